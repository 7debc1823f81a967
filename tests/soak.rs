//! Runs `tests/soak.sh` on the test build of the binary. Ignored by default
//! because it takes `SOAK_SECONDS` (default 1800) and needs tmux:
//! `cargo test --release --test soak -- --ignored --nocapture`.

use std::process::Command;

#[test]
#[ignore = "takes 30 minutes and needs tmux"]
fn soak_tui_under_tmux() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/soak.sh");
    let status = Command::new("bash")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_lazyrich"))
        .status()
        .expect("bash runs");
    assert!(status.success(), "soak script failed: {status}");
}
