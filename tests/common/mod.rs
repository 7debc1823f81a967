//! Set-up shared by the command-line tests.

use assert_cmd::Command;

/// Returns the built `lazyrich` binary as a command whose log goes to
/// `lazyrich-<log_name>.log` in the temporary folder, so that tests never
/// write into the user's log.
pub fn lazyrich_logging_to(log_name: &str) -> Command {
    let mut command = Command::cargo_bin("lazyrich").expect("binary is built");
    let log = std::env::temp_dir().join(format!("lazyrich-{log_name}.log"));
    command.env("LAZYRICH_LOG", log);
    command
}
