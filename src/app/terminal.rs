//! Terminal setup and restore on every exit path, including panics.
//!
//! A panic on the UI thread restores the terminal before the previous hook
//! prints the message. A panic on any other thread (the trainer) must not
//! touch the screen the UI is still drawing, so its message is logged and
//! kept for `recorded_panic`, which the UI shows and prints after restoring.

use std::io::{self, Stdout, stdout};
use std::panic::PanicHookInfo;
use std::sync::{Mutex, OnceLock};
use std::thread::{self, ThreadId};

use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tracing::error;

/// First panic message from a thread other than the UI thread.
static BACKGROUND_PANIC: Mutex<Option<String>> = Mutex::new(None);
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Enters raw mode and the alternate screen, and installs the panic hook.
/// On error, only the steps that succeeded are undone, so a failed raw mode
/// writes no escape codes to stdout.
pub fn init_terminal() -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
    install_panic_hook();
    enable_raw_mode()?;
    if let Err(err) = execute!(stdout(), EnterAlternateScreen) {
        if let Err(undo) = disable_raw_mode() {
            error!(%undo, "failed to disable raw mode");
        }
        return Err(err);
    }
    Terminal::new(CrosstermBackend::new(stdout())).inspect_err(|_| restore_terminal())
}

/// Leaves raw mode and the alternate screen and shows the cursor. Errors
/// are logged, because there is nothing better to do with them on exit.
pub fn restore_terminal() {
    if let Err(err) = disable_raw_mode() {
        error!(%err, "failed to disable raw mode");
    }
    if let Err(err) = execute!(stdout(), LeaveAlternateScreen, Show) {
        error!(%err, "failed to leave the alternate screen");
    }
}

/// Message of the first panic on a background thread, if any.
pub fn recorded_panic() -> Option<String> {
    BACKGROUND_PANIC.lock().ok().and_then(|guard| guard.clone())
}

fn install_panic_hook() {
    let ui_thread = *UI_THREAD.get_or_init(|| thread::current().id());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if thread::current().id() == ui_thread {
            restore_terminal();
            previous(info);
            return;
        }
        let message = describe_panic(info);
        error!(thread = thread::current().name(), %message, "background thread panicked");
        if let Ok(mut slot) = BACKGROUND_PANIC.lock() {
            slot.get_or_insert(message);
        }
    }));
}

/// Formats a panic as "message at file:line" from its payload and location.
fn describe_panic(info: &PanicHookInfo) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_string());
    match info.location() {
        Some(location) => format!("{message} at {}:{}", location.file(), location.line()),
        None => message,
    }
}
