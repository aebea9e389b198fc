//! The address a request comes from, resolved once per request into its
//! extensions as [`ClientAddress`] (sign-in throttling counts per address).
//!
//! Without `--trusted-proxy` it is the socket's peer. Behind a reverse
//! proxy every peer is the proxy, so with `--trusted-proxy` it is the last
//! `X-Forwarded-For` entry: the one the proxy added. Earlier entries are
//! whatever the client sent and are never used. Only turn it on when the
//! server cannot be reached except through the proxy, or anyone can pick
//! their address. A request that came through no socket (tests through
//! the router) gets [`polku_core::accounts::UNKNOWN_CLIENT`].

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// The address a request came from, in the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The client address of a request (its extensions, from [`resolve`]), or
/// [`polku_core::accounts::UNKNOWN_CLIENT`] when none is known.
pub fn of(extensions: &http::Extensions) -> IpAddr {
    extensions
        .get::<ClientAddress>()
        .map_or(polku_core::accounts::UNKNOWN_CLIENT, |c| c.0)
}

/// Whether `X-Forwarded-For` is believed (`--trusted-proxy`).
#[derive(Debug, Clone, Copy)]
pub struct TrustedProxy(pub bool);

/// The last entry of the `X-Forwarded-For` headers, if it is an address.
fn forwarded(headers: &http::HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim();
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The client address of a request with these headers and extensions.
pub fn client_address(
    headers: &http::HeaderMap,
    extensions: &http::Extensions,
    trusted_proxy: bool,
) -> IpAddr {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let from_proxy = trusted_proxy.then(|| forwarded(headers)).flatten();
    from_proxy
        .or(peer)
        .unwrap_or(polku_core::accounts::UNKNOWN_CLIENT)
}

/// Middleware: puts the [`ClientAddress`] into the request.
pub async fn resolve(
    State(TrustedProxy(trusted)): State<TrustedProxy>,
    mut request: Request,
    next: Next,
) -> Response {
    let address = client_address(request.headers(), request.extensions(), trusted);
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for v in values {
            map.append("x-forwarded-for", v.parse().unwrap());
        }
        map
    }

    fn with_peer(ip: [u8; 4]) -> http::Extensions {
        let mut ext = http::Extensions::new();
        ext.insert(ConnectInfo(SocketAddr::from((ip, 4000))));
        ext
    }

    #[test]
    fn the_peer_unless_a_trusted_proxy_forwards() {
        let peer = with_peer([10, 0, 0, 1]);
        let sent = headers(&["1.2.3.4", "198.51.100.7, 203.0.113.9"]);
        let proxy: IpAddr = [10, 0, 0, 1].into();
        assert_eq!(client_address(&sent, &peer, false), proxy);
        assert_eq!(
            client_address(&sent, &peer, true),
            IpAddr::from([203, 0, 113, 9])
        );
        assert_eq!(
            client_address(&headers(&["2001:db8::1"]), &peer, true),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        // Garbage or nothing forwarded: the peer.
        assert_eq!(client_address(&headers(&["nonsense"]), &peer, true), proxy);
        assert_eq!(client_address(&headers(&[]), &peer, true), proxy);
        // No socket at all.
        assert_eq!(
            client_address(&headers(&[]), &http::Extensions::new(), false),
            polku_core::accounts::UNKNOWN_CLIENT
        );
    }
}
