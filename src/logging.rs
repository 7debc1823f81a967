//! Logging to a file through `tracing`; never to the terminal, which the TUI
//! owns.

use std::path::PathBuf;

use tracing_subscriber::EnvFilter;

/// Log file: `$LAZYRICH_LOG` if set, else `$XDG_STATE_HOME/lazyrich/lazyrich.log`,
/// else `~/.local/state/lazyrich/lazyrich.log`, else the system temporary folder.
pub fn log_path() -> PathBuf {
    if let Some(path) = std::env::var_os("LAZYRICH_LOG") {
        return PathBuf::from(path);
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    state.join("lazyrich").join("lazyrich.log")
}

/// Sends `tracing` events at `RUST_LOG` level (default `info`) to
/// [`log_path`]. Returns the path, or `None` when the file cannot be opened,
/// in which case events are dropped.
pub fn init() -> Option<PathBuf> {
    let path = log_path();
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).ok()?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}
