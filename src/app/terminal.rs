//! Terminal setup and restore on every exit path, including panics, and
//! the mode switches around a suspend (Ctrl-Z or SIGTSTP).
//!
//! A panic on the UI thread restores the terminal before the previous hook
//! prints the message. A panic on any other thread (the trainer) must not
//! touch the screen the UI is still drawing, so its message is logged and
//! kept for `recorded_panic`, which the UI shows and prints after restoring.

use std::io::{self, IsTerminal, Stdout, Write, stdout};
use std::panic::PanicHookInfo;
use std::sync::{Mutex, OnceLock};
use std::thread::{self, ThreadId};

use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use tracing::error;

/// First panic message from a thread other than the UI thread.
static BACKGROUND_PANIC: Mutex<Option<String>> = Mutex::new(None);
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Reason the TUI could not take over the terminal.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    #[error(
        "standard output is not a terminal, and the TUI needs one. Without a terminal, \
         `lazyrich run PRESET` trains headless and writes CSV files, and `lazyrich kernel`, \
         `lazyrich presets` and `lazyrich check` work too"
    )]
    NotATerminal,
    #[error(
        "the terminal reports a size of {width}x{height}, so the TUI cannot draw. Set the \
         size (for example `stty cols 80 rows 24`) or use the headless commands, such as \
         `lazyrich run PRESET`"
    )]
    ZeroSize { width: u16, height: u16 },
    #[error("failed to set up the terminal")]
    Setup(#[source] io::Error),
}

impl TerminalError {
    /// Returns whether the error comes from where the program runs (no
    /// terminal, or a terminal without a size) rather than from a failed
    /// system call.
    pub fn is_unusable_terminal(&self) -> bool {
        matches!(
            self,
            TerminalError::NotATerminal | TerminalError::ZeroSize { .. }
        )
    }
}

/// Checks that stdout is a terminal with a non-zero size, then enters raw
/// mode and the alternate screen and installs the panic hook. On error,
/// only the steps that succeeded are undone, so a failed raw mode writes no
/// escape codes to stdout.
pub fn init_terminal() -> Result<Terminal<CrosstermBackend<Stdout>>, TerminalError> {
    if !stdout().is_terminal() {
        return Err(TerminalError::NotATerminal);
    }
    let (width, height) = crossterm::terminal::size().map_err(TerminalError::Setup)?;
    if width == 0 || height == 0 {
        return Err(TerminalError::ZeroSize { width, height });
    }
    install_panic_hook();
    enable_raw_mode().map_err(TerminalError::Setup)?;
    if let Err(err) = execute!(stdout(), EnterAlternateScreen) {
        if let Err(undo) = disable_raw_mode() {
            error!(%undo, "failed to disable raw mode");
        }
        return Err(TerminalError::Setup(err));
    }
    Terminal::new(CrosstermBackend::new(stdout()))
        .inspect_err(|_| restore_terminal())
        .map_err(TerminalError::Setup)
}

/// A backend that can hand the terminal back to the shell while the process
/// is stopped (job control), and take it over again when it continues.
pub trait Suspendable {
    /// Leaves raw mode and the alternate screen and shows the cursor.
    fn leave_modes(&mut self) -> io::Result<()>;
    /// Stops the process until SIGCONT arrives.
    fn stop_process(&mut self) -> io::Result<()>;
    /// Enters raw mode and the alternate screen again.
    fn enter_modes(&mut self) -> io::Result<()>;
}

impl<W: Write> Suspendable for CrosstermBackend<W> {
    fn leave_modes(&mut self) -> io::Result<()> {
        disable_raw_mode()?;
        execute!(self, LeaveAlternateScreen, Show)
    }

    /// Sends SIGSTOP to the whole process group, as the terminal does with
    /// SIGTSTP on Ctrl-Z outside raw mode, so that a wrapper shell stops
    /// too and the login shell takes the terminal back. SIGTSTP would not
    /// do, because the event loop handles it and would suspend again.
    fn stop_process(&mut self) -> io::Result<()> {
        rustix::process::kill_current_process_group(rustix::process::Signal::STOP)?;
        Ok(())
    }

    fn enter_modes(&mut self) -> io::Result<()> {
        enable_raw_mode()?;
        execute!(self, EnterAlternateScreen)
    }
}

/// The test backend has no terminal modes, and stopping the process would
/// stop the test, so every step does nothing.
impl Suspendable for TestBackend {
    fn leave_modes(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn stop_process(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn enter_modes(&mut self) -> io::Result<()> {
        Ok(())
    }
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
