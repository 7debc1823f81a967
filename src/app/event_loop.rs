//! The event loop: terminal input, the frame timer, Unix signals and the
//! trainer's snapshots, multiplexed with `tokio::select!` on one thread.
//!
//! Job control: Ctrl-Z (a key in raw mode) and SIGTSTP leave raw mode and
//! the alternate screen before the process stops. SIGCONT, after any stop,
//! enters both again and repaints the whole screen.

use std::io;
use std::time::Duration;

use anyhow::Context;
use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use rustix::process::Signal;
use tokio::signal::unix::{SignalKind, signal};
use tokio::time::MissedTickBehavior;
use tracing::{info, warn};

use super::action::Action;
use super::keymap::action_for_key;
use super::state::App;
use super::terminal::Suspendable;
use super::trainers::TrainerPool;
use crate::ui::{self, Theme};

/// Time between frames: at most about 30 redraws per second.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(33);

/// Reason the event loop returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitReason {
    /// The user quit (`q`, Esc or Ctrl-C).
    Quit,
    /// SIGTERM, SIGHUP or SIGINT arrived.
    Signal(&'static str),
    /// The input stream ended.
    InputClosed,
}

/// A signal the event loop acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SignalEvent {
    /// SIGTERM, SIGHUP or SIGINT, by name.
    Exit(&'static str),
    /// SIGTSTP: stop as the shell asked.
    Suspend,
    /// SIGCONT: the process continues after a stop.
    Resume,
}

/// Streams of the signals in `SignalEvent`.
struct Signals {
    terminate: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
    suspend: tokio::signal::unix::Signal,
    resume: tokio::signal::unix::Signal,
}

impl Signals {
    fn register() -> io::Result<Signals> {
        Ok(Signals {
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
            suspend: signal(SignalKind::from_raw(Signal::TSTP.as_raw()))?,
            resume: signal(SignalKind::from_raw(Signal::CONT.as_raw()))?,
        })
    }

    /// Waits for the next signal.
    async fn recv(&mut self) -> SignalEvent {
        tokio::select! {
            _ = self.terminate.recv() => SignalEvent::Exit("SIGTERM"),
            _ = self.hangup.recv() => SignalEvent::Exit("SIGHUP"),
            _ = self.interrupt.recv() => SignalEvent::Exit("SIGINT"),
            _ = self.suspend.recv() => SignalEvent::Suspend,
            _ = self.resume.recv() => SignalEvent::Resume,
        }
    }
}

/// Step the loop takes after a terminal event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EventOutcome {
    Ignored,
    Redraw,
    Suspend,
}

/// Runs the UI until the user quits, a signal arrives or `events` ends.
///
/// `trainers` must hold one thread per run of `app`. Snapshots are drained
/// with `try_recv` on each frame tick, so the loop never waits for one. A
/// frame is drawn on a tick only when a snapshot arrived since the last
/// one, and right away after a key press, a resize or a resume that
/// changes the screen. Two steps do run on this thread and pause the
/// drawing: replacing the training threads (entering or leaving compare
/// mode joins the old ones) and writing an export (`e`).
///
/// # Errors
/// Fails when signal handlers cannot be registered, the terminal input
/// fails, drawing fails, or the terminal modes cannot be entered again
/// after a stop.
pub async fn run_event_loop<B, E>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    theme: &Theme,
    mut events: E,
    trainers: &mut TrainerPool,
) -> anyhow::Result<ExitReason>
where
    B: Backend + Suspendable,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    let mut signals = Signals::register().context("failed to register signal handlers")?;
    let mut frames = tokio::time::interval(FRAME_INTERVAL);
    frames.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut dirty = true;
    loop {
        tokio::select! {
            _ = frames.tick() => {
                dirty |= trainers.drain(app);
                if dirty {
                    terminal.draw(|frame| ui::render(frame, app, theme))?;
                    dirty = false;
                }
            }
            event = events.next() => match event {
                // A key press or resize is drawn at once rather than on the
                // next tick, which would add up to one frame interval of delay.
                Some(Ok(event)) => match handle_event(app, event, trainers) {
                    EventOutcome::Ignored => {}
                    EventOutcome::Redraw => {
                        if !app.should_quit() {
                            terminal.draw(|frame| ui::render(frame, app, theme))?;
                            dirty = false;
                        }
                    }
                    EventOutcome::Suspend => {
                        suspend(terminal)?;
                        dirty = true;
                    }
                },
                Some(Err(err)) => return Err(err).context("failed to read terminal input"),
                None => return Ok(ExitReason::InputClosed),
            },
            signal = signals.recv() => match signal {
                SignalEvent::Exit(name) => {
                    info!(signal = name, "exiting on signal");
                    return Ok(ExitReason::Signal(name));
                }
                SignalEvent::Suspend => {
                    suspend(terminal)?;
                    dirty = true;
                }
                SignalEvent::Resume => {
                    resume(terminal)?;
                    dirty = true;
                }
            },
        }
        if app.should_quit() {
            return Ok(ExitReason::Quit);
        }
    }
}

/// Hands the terminal back, stops the process, and takes the terminal over
/// again once the process continues.
fn suspend<B>(terminal: &mut Terminal<B>) -> anyhow::Result<()>
where
    B: Backend + Suspendable,
    B::Error: Send + Sync + 'static,
{
    info!("suspending");
    if let Err(err) = terminal.backend_mut().leave_modes() {
        warn!(%err, "failed to leave the terminal modes before stopping");
    }
    terminal
        .backend_mut()
        .stop_process()
        .context("failed to stop the process")?;
    resume(terminal)
}

/// Enters raw mode and the alternate screen and clears it, so that the next
/// frame repaints every cell. Entering a mode that is already on is harmless,
/// so a SIGCONT after our own stop only costs one more full repaint.
fn resume<B>(terminal: &mut Terminal<B>) -> anyhow::Result<()>
where
    B: Backend + Suspendable,
    B::Error: Send + Sync + 'static,
{
    info!("resuming");
    terminal
        .backend_mut()
        .enter_modes()
        .context("failed to enter raw mode and the alternate screen after a stop")?;
    // `Terminal::clear` would query the cursor position, and the reply
    // would go to the input stream's reader instead. A resize to the same
    // size clears the screen and the previous frame without that query.
    let size = terminal
        .size()
        .context("failed to read the terminal size")?;
    terminal
        .resize(size.into())
        .context("failed to clear the terminal")?;
    Ok(())
}

/// Applies a terminal event and returns what the loop must do next.
fn handle_event(app: &mut App, event: Event, trainers: &mut TrainerPool) -> EventOutcome {
    match event {
        Event::Key(key) => {
            let Some(action) = action_for_key(key) else {
                return EventOutcome::Ignored;
            };
            if matches!(action, Action::Suspend) {
                return EventOutcome::Suspend;
            }
            if matches!(action, Action::Export) {
                let time = std::time::SystemTime::now();
                let result = crate::export::export_runs(app.export_dir(), app.runs(), time);
                app.update(Action::ExportFinished(result.map_err(|e| e.to_string())));
                return EventOutcome::Redraw;
            }
            if let Some(effect) = app.update(action)
                && let Err(run) = trainers.apply(effect)
            {
                warn!(run, "training thread is gone; command dropped");
                app.update(Action::TrainerStopped(
                    "the command channel closed".to_string(),
                ));
            }
            EventOutcome::Redraw
        }
        Event::Resize(..) => EventOutcome::Redraw,
        _ => EventOutcome::Ignored,
    }
}
