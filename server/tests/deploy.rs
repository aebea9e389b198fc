//! The deployment files: the systemd unit is one systemd accepts, with
//! its hardening intact; the Docker image builds, runs as its own user
//! and answers `/healthz` (where a Docker daemon is reachable; skipped with a
//! message where not); `compose.yaml` is one Docker Compose accepts
//! (where the compose plugin is installed).
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("..")
}

fn available(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_systemd_unit_is_valid_and_hardened() {
    if !available("systemd-analyze", &["--version"]) {
        eprintln!("SKIPPED: systemd-analyze is not installed");
        return;
    }
    let unit = std::fs::read_to_string(repo().join("deploy/polku.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/local/bin/polku serve"));
    // Checked with this build's binary where the unit expects it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("polku.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/polku", env!("CARGO_BIN_EXE_polku")),
    )
    .unwrap();
    let verify = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let complaints = String::from_utf8_lossy(&verify.stderr);
    assert!(
        verify.status.success() && complaints.trim().is_empty(),
        "{complaints}"
    );
    let security = Command::new("systemd-analyze")
        .args(["security", "--offline=yes"])
        .arg(&path)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&security.stdout);
    let level: f64 = report
        .lines()
        .find_map(|l| l.split("Overall exposure level for polku.service: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level: {report}"));
    assert!(level <= 2.0, "exposure {level}: {report}");
}

#[test]
fn the_compose_file_is_accepted() {
    if !available("docker", &["compose", "version"]) {
        eprintln!("SKIPPED: the Docker Compose plugin is not installed");
        return;
    }
    let check = Command::new("docker")
        .args(["compose", "-f"])
        .arg(repo().join("compose.yaml"))
        .args(["config", "--quiet"])
        .env("POLKU_DB_PASSWORD", "test-only")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn the_docker_image_builds_and_answers() {
    if !available("docker", &["info"]) {
        eprintln!(
            "SKIPPED: no Docker daemon is reachable (docker info fails): the image is not built here"
        );
        return;
    }
    let tag = "polku-test:latest";
    let build = Command::new("docker")
        .args(["build", "-t", tag, "."])
        .current_dir(repo())
        .status()
        .unwrap();
    assert!(build.success(), "docker build failed");
    let run = Command::new("docker")
        .args(["run", "-d", "--rm", "-p", "127.0.0.1::3000", tag])
        .output()
        .unwrap();
    assert!(run.status.success());
    let id = String::from_utf8_lossy(&run.stdout).trim().to_owned();
    let port = Command::new("docker")
        .args(["port", &id, "3000"])
        .output()
        .unwrap();
    let address = String::from_utf8_lossy(&port.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut answered = false;
    for _ in 0..120 {
        if let Ok(out) = Command::new("curl")
            .args(["-fsS", &format!("http://{address}/healthz")])
            .output()
            && out.status.success()
        {
            answered = String::from_utf8_lossy(&out.stdout) == "ok";
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let user = Command::new("docker")
        .args(["exec", &id, "id", "-u"])
        .output()
        .unwrap();
    let _ = Command::new("docker").args(["stop", &id]).status();
    assert!(answered, "the container did not answer /healthz");
    assert_eq!(String::from_utf8_lossy(&user.stdout).trim(), "10001");
}
