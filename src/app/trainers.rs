//! The training threads of the TUI: one per run, replaced as a whole when
//! the number of runs changes.

use std::sync::mpsc::TryRecvError;

use tracing::{info, warn};

use super::action::{Action, Effect};
use super::state::App;
use super::terminal::recorded_panic;
use crate::config::types::Preset;
use crate::train::runner::TrainerHandle;
use crate::train::snapshot::Command;

/// Starts a training thread for a preset. The TUI passes
/// [`crate::train::runner::spawn`]; tests pass channels they serve by hand.
pub type Spawner = Box<dyn FnMut(Preset) -> TrainerHandle>;

/// Snapshots handled per run and frame at most, so that a flooding trainer
/// cannot starve the input handling.
const MAX_SNAPSHOTS_PER_FRAME: usize = 256;

/// One training thread per run, in run order.
pub struct TrainerPool {
    handles: Vec<TrainerHandle>,
    /// Per handle: whether its snapshot channel closed and the app got `TrainerStopped`.
    gone: Vec<bool>,
    spawner: Spawner,
}

impl TrainerPool {
    /// Creates a pool with no threads; [`TrainerPool::start`] adds them.
    pub fn new(spawner: Spawner) -> TrainerPool {
        TrainerPool {
            handles: Vec::new(),
            gone: Vec::new(),
            spawner,
        }
    }

    /// Stops every thread and starts one per preset.
    pub fn start(&mut self, presets: Vec<Preset>) {
        // Ask all threads to stop before joining any, so they wind down
        // together. A thread that is already gone needs no request.
        for handle in &self.handles {
            let _ = handle.commands.send(Command::Stop);
        }
        self.handles.clear();
        info!(runs = presets.len(), "starting training threads");
        self.handles = presets.into_iter().map(|p| (self.spawner)(p)).collect();
        self.gone = vec![false; self.handles.len()];
    }

    /// Number of training threads.
    pub fn len(&self) -> usize {
        self.handles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.handles.is_empty()
    }

    /// Carries out `effect`; see [`Effect::Restart`] for when threads are
    /// replaced.
    ///
    /// # Errors
    /// Returns the position of a run whose thread no longer takes commands.
    pub fn apply(&mut self, effect: Effect) -> Result<(), usize> {
        match effect {
            Effect::Broadcast(command) => {
                for (run, handle) in self.handles.iter().enumerate() {
                    handle.commands.send(command.clone()).map_err(|_| run)?;
                }
            }
            Effect::Restart(presets) if presets.len() == self.handles.len() => {
                for (run, (handle, preset)) in self.handles.iter().zip(presets).enumerate() {
                    let command = Command::Restart(Box::new(preset));
                    handle.commands.send(command).map_err(|_| run)?;
                }
            }
            Effect::Restart(presets) => self.start(presets),
        }
        Ok(())
    }

    /// Feeds waiting snapshots to the app and returns whether any arrived.
    /// A closed channel is reported to the app once per thread.
    pub fn drain(&mut self, app: &mut App) -> bool {
        let mut changed = false;
        for (run, handle) in self.handles.iter().enumerate() {
            for _ in 0..MAX_SNAPSHOTS_PER_FRAME {
                match handle.snapshots.try_recv() {
                    Ok(snapshot) => {
                        app.update(Action::Snapshot(run, Box::new(snapshot)));
                        changed = true;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        if !self.gone[run] {
                            self.gone[run] = true;
                            let reason = recorded_panic().map_or_else(
                                || "the channel closed".to_string(),
                                |m| {
                                    format!(
                                        "panic: {m}; see {}",
                                        crate::logging::log_path().display()
                                    )
                                },
                            );
                            warn!(run, %reason, "training thread is gone");
                            app.update(Action::TrainerStopped(reason));
                            changed = true;
                        }
                        break;
                    }
                }
            }
        }
        changed
    }
}
