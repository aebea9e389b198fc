//! The sandbox with real CPython and hostile programs: each is stopped
//! with a clear outcome, and the sandbox still runs the next program.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::sync::{Arc, OnceLock};

use polku_sandbox::{Limits, Outcome, Sandbox};

fn sandbox() -> Arc<Sandbox> {
    static SANDBOX: OnceLock<Arc<Sandbox>> = OnceLock::new();
    SANDBOX
        .get_or_init(|| {
            let path = polku_sandbox::local_interpreter();
            assert!(
                path.exists(),
                "{} is missing: scripts/setup.sh installs it",
                path.display()
            );
            let limits = Limits {
                fuel: 4_000_000_000,
                time: std::time::Duration::from_secs(3),
                ..Limits::default()
            };
            Arc::new(Sandbox::load(&path, limits, 2).unwrap())
        })
        .clone()
}

fn exec(program: &str, stdin: &str) -> polku_sandbox::Run {
    let done = sandbox().run_now(program, stdin);
    eprintln!(
        "{program:?}: {:?} in {} ms; stdout {} bytes; stderr tail {:?}",
        done.outcome,
        done.elapsed.as_millis(),
        done.stdout.len(),
        done.stderr.lines().last()
    );
    done
}

#[test]
fn a_program_runs_with_its_input() {
    let run = exec(
        "name = input()\nprint(f'Hei, {name}!')\nprint(sum(range(10)))",
        "Aino\n",
    );
    assert_eq!(run.outcome, Outcome::Exited(0), "{}", run.stderr);
    assert_eq!(run.stdout, "Hei, Aino!\n45\n");
    // A beginner's heavier program has room enough.
    let busy = exec(
        "total = 0\nfor i in range(200000):\n    total += i * i\nprint(total)\nprint(sorted([3, 1, 2]))",
        "",
    );
    assert_eq!(busy.stdout, "2666646666700000\n[1, 2, 3]\n", "{busy:?}");
    let failing = exec("print('a')\nraise ValueError('no')", "");
    assert_eq!(failing.outcome, Outcome::Exited(1));
    assert!(
        failing.stderr.contains("ValueError: no"),
        "{}",
        failing.stderr
    );
}

#[test]
fn hostile_programs_are_stopped() {
    assert_eq!(exec("while True:\n    pass", "").outcome, Outcome::TimedOut);
    assert_eq!(
        exec("x = bytearray(1 << 30)", "").outcome,
        Outcome::OutOfMemory
    );
    assert_eq!(
        exec("a = []\nwhile True:\n    a.append(' ' * 1000000)", "").outcome,
        Outcome::OutOfMemory
    );
    let deep = exec("def f(n):\n    return f(n + 1)\nf(0)", "");
    assert!(deep.stderr.contains("RecursionError"), "{deep:?}");
    let deeper = exec(
        "import sys\nsys.setrecursionlimit(10 ** 8)\ndef f(n):\n    return f(n + 1)\nf(0)",
        "",
    );
    assert!(
        matches!(
            deeper.outcome,
            Outcome::StackOverflow | Outcome::OutOfMemory | Outcome::TimedOut
        ),
        "{deeper:?}"
    );
    let secrets = exec("print(open('/etc/passwd').read())", "");
    assert_eq!(secrets.outcome, Outcome::Exited(1));
    assert!(!secrets.stdout.contains("root:"), "{secrets:?}");
    let outside = exec(
        "import os\nprint(os.listdir('/'))\nprint(os.listdir('..'))",
        "",
    );
    assert_eq!(outside.stdout, "[]\n", "{outside:?}");
    assert!(outside.stderr.contains("PermissionError"), "{outside:?}");
    let network = exec(
        "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', 80))\nprint('connected')",
        "",
    );
    assert_ne!(network.outcome, Outcome::Exited(0));
    assert!(!network.stdout.contains("connected"), "{network:?}");
    let flood = exec("for i in range(100000):\n    print('x' * 1000)", "");
    assert_eq!(flood.outcome, Outcome::TooMuchOutput);
    assert!(flood.stdout.len() <= Limits::default().output);
    // Files only in the scratch folder, gone with the run.
    let scratch = exec(
        "open('notes.txt', 'w').write('hi')\nprint(open('notes.txt').read())",
        "",
    );
    assert_eq!(scratch.stdout, "hi\n", "{scratch:?}");
    assert!(
        exec("print(open('notes.txt').read())", "")
            .stderr
            .contains("FileNotFoundError")
    );
    // And the sandbox still serves the next learner.
    assert_eq!(exec("print(6 * 7)", "").stdout, "42\n");
}
