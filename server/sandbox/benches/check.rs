//! Sandbox speed: the time to make the sandbox (compile the interpreter),
//! then one run of a small program (a test of a Python exercise: Python
//! starts, reads two lines, prints one), one at a time on one thread, and
//! the same with two threads at once (the server's limit). Prints p50 and
//! p99. `POLKU_BENCH_RUNS` sets the number of runs (default 100);
//! `POLKU_PYTHON_WASM` the interpreter (default: the npm copy).
//!
//! Run: `cargo bench -p polku-sandbox --bench check`
#![expect(clippy::expect_used, reason = "a bench fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use polku_sandbox::{Limits, Outcome, Sandbox};

const PROGRAM: &str = "tunnit = float(input())\ntuntipalkka = float(input())\nprint(\"Palkka:\", tunnit * tuntipalkka, \"euroa\")\n";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn report(what: &str, mut times: Vec<Duration>, wall: Duration) {
    times.sort();
    println!(
        "{what}: {} runs, {:.1} runs/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        times.len() as f64 / wall.as_secs_f64(),
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}

fn main() {
    let path = polku_sandbox::local_interpreter();
    let runs: usize = std::env::var("POLKU_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let limits = Limits::default();
    println!(
        "limits: fuel {}, time {:?}, memory {} MiB, output {} KiB",
        limits.fuel,
        limits.time,
        limits.memory >> 20,
        limits.output >> 10
    );
    let started = Instant::now();
    let sandbox = Arc::new(Sandbox::load(&path, limits, 2).expect("the interpreter loads"));
    println!(
        "making the sandbox (compiling CPython for WASI): {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let mut times = Vec::with_capacity(runs);
    let wall = Instant::now();
    for _ in 0..runs {
        let run = sandbox.run_now(PROGRAM, "8\n15\n");
        assert_eq!(run.outcome, Outcome::Exited(0), "{}", run.stderr);
        times.push(run.elapsed);
    }
    report("one program, one thread", times, wall.elapsed());

    let wall = Instant::now();
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let sandbox = sandbox.clone();
            std::thread::spawn(move || {
                (0..runs / 2)
                    .map(|_| sandbox.run_now(PROGRAM, "8\n15\n").elapsed)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let times: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("a bench thread"))
        .collect();
    report("two at once (the server's limit)", times, wall.elapsed());
    let endless = sandbox.run_now("while True:\n    pass\n", "");
    println!(
        "an endless loop: {:?} after {:.2} s",
        endless.outcome,
        endless.elapsed.as_secs_f64()
    );
}
