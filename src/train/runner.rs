//! The training thread: owns a [`Trainer`], obeys [`Command`]s and streams
//! [`Snapshot`]s without ever waiting for its front end.
//!
//! Snapshots go through a bounded channel with `try_send`. When the channel
//! is full, rows pile up in a pending snapshot (thinned past
//! `MAX_PENDING_ROWS`) and go out with the next successful send, so a slow
//! UI costs the trainer nothing and memory stays bounded.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::config::types::Preset;

use super::snapshot::{Command, MetricRow, RunState, Snapshot};
use super::trainer::Trainer;

/// Minimum wall time between two snapshots (about 30 per second).
const SEND_INTERVAL: Duration = Duration::from_millis(33);
/// Minimum wall time between two recomputed function views while running
/// (about 10 per second). A view evaluates the network and the overlays on
/// every test input, which at large widths costs tens of steps, so
/// refreshing it with every snapshot slowed the TUI's training.
const VIEW_INTERVAL: Duration = Duration::from_millis(100);
/// Maximum training time between two checks of the command channel.
const BURST: Duration = Duration::from_millis(10);
/// Rows kept while the front end is not reading; beyond it every other row
/// is dropped.
const MAX_PENDING_ROWS: usize = 8192;

/// Front-end side of a training thread. Dropping it stops the thread.
pub struct TrainerHandle {
    pub commands: Sender<Command>,
    pub snapshots: Receiver<Snapshot>,
    thread: Option<JoinHandle<()>>,
}

impl TrainerHandle {
    /// Wraps channels whose other ends the caller serves, with no thread
    /// behind them (for tests of a front end).
    pub fn from_channels(
        commands: Sender<Command>,
        snapshots: Receiver<Snapshot>,
    ) -> TrainerHandle {
        TrainerHandle {
            commands,
            snapshots,
            thread: None,
        }
    }
}

impl Drop for TrainerHandle {
    fn drop(&mut self) {
        // The thread may already be gone; either way there is nothing to report.
        let _ = self.commands.send(Command::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts a training thread on `preset`.
pub fn spawn(preset: Preset) -> TrainerHandle {
    let (command_tx, command_rx) = mpsc::channel();
    let (snapshot_tx, snapshot_rx) = mpsc::sync_channel(4);
    let thread = std::thread::Builder::new()
        .name("trainer".into())
        .spawn(move || run_thread(preset, command_rx, snapshot_tx))
        .expect("failed to start the training thread");
    TrainerHandle {
        commands: command_tx,
        snapshots: snapshot_rx,
        thread: Some(thread),
    }
}

fn run_thread(preset: Preset, commands: Receiver<Command>, snapshots: SyncSender<Snapshot>) {
    let mut worker = Worker::new(snapshots);
    let outcome = catch_unwind(AssertUnwindSafe(|| worker.run(preset, &commands)));
    if let Err(panic) = outcome {
        let message = panic_message(&panic);
        tracing::error!(%message, "training thread panicked");
        worker.state = RunState::Failed(format!("the training thread panicked: {message}"));
        worker.trainer = None;
        worker.flush_blocking();
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

struct Worker {
    snapshots: SyncSender<Snapshot>,
    trainer: Option<Trainer>,
    state: RunState,
    generation: u64,
    pending: Snapshot,
    last_send: Instant,
    /// When the last function view was computed.
    last_view: Instant,
    rate: StepRate,
    /// State carried by the last snapshot that went out.
    sent_state: Option<RunState>,
    disconnected: bool,
}

impl Worker {
    fn new(snapshots: SyncSender<Snapshot>) -> Self {
        Worker {
            snapshots,
            trainer: None,
            state: RunState::Starting,
            generation: 0,
            pending: empty_snapshot(0),
            last_send: Instant::now(),
            last_view: Instant::now(),
            rate: StepRate::new(),
            sent_state: None,
            disconnected: false,
        }
    }

    fn run(&mut self, preset: Preset, commands: &Receiver<Command>) {
        self.start(preset);
        while !self.disconnected {
            if self.state == RunState::Running {
                self.train_burst();
                match commands.try_recv() {
                    Ok(command) => {
                        if !self.handle_queued(command, commands) {
                            return;
                        }
                    }
                    Err(mpsc::TryRecvError::Empty) => {}
                    Err(mpsc::TryRecvError::Disconnected) => return,
                }
            } else {
                self.flush(self.has_news());
                match commands.recv_timeout(SEND_INTERVAL) {
                    Ok(command) => {
                        if !self.handle_queued(command, commands) {
                            return;
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        }
    }

    /// Applies a command and every command queued behind it; returns false
    /// when the thread should stop. Of several queued restarts only the last
    /// is built, so a burst of key presses costs one rebuild.
    fn handle_queued(&mut self, first: Command, commands: &Receiver<Command>) -> bool {
        let mut restart = None;
        for command in std::iter::once(first).chain(commands.try_iter()) {
            match command {
                Command::Stop => return false,
                Command::Restart(preset) => restart = Some(preset),
                other => {
                    if !self.handle(other) {
                        return false;
                    }
                }
            }
        }
        match restart {
            Some(preset) => self.handle(Command::Restart(preset)),
            None => true,
        }
    }

    /// Applies a command; returns false when the thread should stop.
    fn handle(&mut self, command: Command) -> bool {
        match command {
            Command::Stop => return false,
            Command::Pause if self.state == RunState::Running => self.state = RunState::Paused,
            Command::Resume if self.state == RunState::Paused => {
                self.state = RunState::Running;
                self.rate = StepRate::new();
            }
            Command::Pause | Command::Resume => {}
            Command::Restart(preset) => self.start(*preset),
        }
        self.flush(true);
        true
    }

    fn start(&mut self, preset: Preset) {
        self.generation += 1;
        self.pending = empty_snapshot(self.generation);
        self.trainer = None;
        self.state = RunState::Starting;
        self.rate = StepRate::new();
        self.flush(true);
        tracing::info!(preset = %preset.name, "starting run");
        match Trainer::new(&preset) {
            Ok(trainer) => {
                self.pending.info = Some(Arc::new(trainer.info()));
                self.pending.rows.push(trainer.metrics());
                self.pending.view = Some(trainer.function_view());
                self.trainer = Some(trainer);
                self.state = RunState::Running;
            }
            Err(error) => {
                tracing::error!(%error, "run failed to start");
                self.state = RunState::Failed(error.to_string());
            }
        }
        self.flush(true);
    }

    fn train_burst(&mut self) {
        let Some(trainer) = self.trainer.as_mut() else {
            self.state = RunState::Failed("no run is loaded".into());
            return;
        };
        let started = Instant::now();
        let log_every = trainer.preset().train.log_every;
        let budget = trainer.preset().train.steps;
        let mut steps = 0;
        while started.elapsed() < BURST {
            if budget > 0 && trainer.step_count() >= budget {
                self.state = RunState::Finished;
                break;
            }
            if let Err(error) = trainer.step() {
                if let Some((step, reason)) = trainer.divergence() {
                    self.state = RunState::Diverged {
                        step: *step,
                        reason: reason.clone(),
                    };
                } else {
                    self.state = RunState::Failed(error.to_string());
                }
                // Record the kept (last finite) state, so the charts reach
                // the step where the run stopped.
                push_row(&mut self.pending.rows, trainer.metrics());
                self.pending.view = Some(trainer.function_view());
                break;
            }
            steps += 1;
            if trainer.step_count().is_multiple_of(log_every) {
                push_row(&mut self.pending.rows, trainer.metrics());
            }
        }
        self.rate.record(steps, started.elapsed());
        let due = self.last_send.elapsed() >= SEND_INTERVAL || self.state != RunState::Running;
        self.flush(due);
    }

    /// Returns true when the pending rows, view or state have not been sent yet.
    fn has_news(&self) -> bool {
        let pending = &self.pending;
        !pending.rows.is_empty()
            || pending.info.is_some()
            || pending.view.is_some()
            || self.sent_state.as_ref() != Some(&self.state)
    }

    /// Sends the pending snapshot when `due`; keeps it when the channel is full.
    fn flush(&mut self, due: bool) {
        if !due {
            return;
        }
        let mut snapshot = std::mem::replace(&mut self.pending, empty_snapshot(self.generation));
        snapshot.state = self.state.clone();
        snapshot.steps_per_second = match self.state {
            RunState::Running => self.rate.per_second(),
            _ => 0.0,
        };
        if let Some(trainer) = &self.trainer {
            snapshot.step = trainer.step_count();
            let stale =
                self.state == RunState::Running && self.last_view.elapsed() >= VIEW_INTERVAL;
            if snapshot.view.is_none() && (stale || self.state != RunState::Running) {
                snapshot.view = Some(trainer.function_view());
                self.last_view = Instant::now();
            }
        }
        match self.snapshots.try_send(snapshot) {
            Ok(()) => {
                self.last_send = Instant::now();
                self.sent_state = Some(self.state.clone());
            }
            Err(TrySendError::Full(snapshot)) => self.pending = snapshot,
            Err(TrySendError::Disconnected(_)) => self.disconnected = true,
        }
    }

    /// Sends the pending snapshot, waiting for room; used only when the
    /// thread is about to end.
    fn flush_blocking(&mut self) {
        let mut snapshot = std::mem::replace(&mut self.pending, empty_snapshot(self.generation));
        snapshot.state = self.state.clone();
        let _ = self.snapshots.send(snapshot);
    }
}

fn push_row(rows: &mut Vec<MetricRow>, row: MetricRow) {
    if rows.len() >= MAX_PENDING_ROWS {
        let mut index: usize = 0;
        rows.retain(|_| {
            index += 1;
            index.is_multiple_of(2)
        });
    }
    rows.push(row);
}

fn empty_snapshot(generation: u64) -> Snapshot {
    Snapshot {
        generation,
        step: 0,
        steps_per_second: 0.0,
        state: RunState::Starting,
        info: None,
        rows: Vec::new(),
        view: None,
    }
}

/// Steps per second over a sliding window of about half a second.
struct StepRate {
    steps: u64,
    elapsed: Duration,
    value: f64,
}

impl StepRate {
    fn new() -> Self {
        StepRate {
            steps: 0,
            elapsed: Duration::ZERO,
            value: 0.0,
        }
    }

    fn record(&mut self, steps: u64, elapsed: Duration) {
        self.steps += steps;
        self.elapsed += elapsed;
        if self.elapsed >= Duration::from_millis(500) {
            self.value = self.steps as f64 / self.elapsed.as_secs_f64();
            self.steps = 0;
            self.elapsed = Duration::ZERO;
        }
    }

    fn per_second(&self) -> f64 {
        self.value
    }
}
