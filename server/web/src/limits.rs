//! Per-client-address rate limits, in memory (each server instance counts
//! its own clients: this protects the instance's processors, not a shared
//! quota). Backed by the `governor` crate's keyed GCRA limiter; addresses
//! not seen for a while are forgotten, so the table stays small.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Checks between two sweeps of forgotten addresses.
const SWEEP_EVERY: u32 = 1024;

/// A rate limit per client address: `burst` requests at once, then one
/// more every `60 / per_minute` seconds.
#[derive(Clone)]
pub struct AddressLimit {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    checks: Arc<AtomicU32>,
}

impl std::fmt::Debug for AddressLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AddressLimit({} addresses)", self.limiter.len())
    }
}

impl AddressLimit {
    /// A limit of `burst` at once and `per_minute` after that (each at
    /// least 1).
    pub fn new(burst: u32, per_minute: u32) -> AddressLimit {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        AddressLimit {
            limiter: Arc::new(RateLimiter::dashmap(quota)),
            checks: Arc::new(AtomicU32::new(0)),
        }
    }

    /// Counts one request from `address`: `Ok` to go on, or `Err` with how
    /// long that address must wait (whole seconds, at least one).
    pub fn check(&self, address: IpAddr) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter.check_key(&address).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
                .max(Duration::from_secs(1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_burst() {
        let limit = AddressLimit::new(3, 6);
        let (a, b): (IpAddr, IpAddr) = ([192, 0, 2, 1].into(), [192, 0, 2, 2].into());
        for _ in 0..3 {
            assert_eq!(limit.check(a), Ok(()));
        }
        let wait = limit.check(a).unwrap_err();
        // One more every 10 s.
        assert!((1..=10).contains(&wait.as_secs()), "{wait:?}");
        assert_eq!(limit.check(b), Ok(()));
    }
}
