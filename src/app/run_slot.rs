//! One run of the TUI: its settings and what its training thread reported.

use std::sync::Arc;

use tracing::{info, warn};

use super::history::MetricHistories;
use crate::config::types::Preset;
use crate::train::snapshot::{FunctionView, RunInfo, RunState, Snapshot};

/// A run as the panels see it. Single mode has one; compare mode has one
/// per compared configuration, each fed by its own training thread.
#[derive(Debug)]
pub struct RunSlot {
    /// Legend name in compare mode, such as "mean-field".
    label: String,
    /// Settings of the run that was last requested (edits apply here first).
    preset: Preset,
    generation: u64,
    step: u64,
    steps_per_second: f64,
    state: RunState,
    info: Option<Arc<RunInfo>>,
    view: Option<FunctionView>,
    histories: MetricHistories,
}

impl RunSlot {
    pub fn new(label: String, preset: Preset) -> RunSlot {
        RunSlot {
            label,
            preset,
            generation: 0,
            step: 0,
            steps_per_second: 0.0,
            state: RunState::Starting,
            info: None,
            view: None,
            histories: MetricHistories::default(),
        }
    }

    /// Stores a snapshot and returns whether the run state changed. Rows
    /// from an older generation are stale and dropped. A newer generation
    /// clears the histories and the overlays.
    pub(crate) fn apply_snapshot(&mut self, snapshot: Snapshot) -> bool {
        if snapshot.generation < self.generation {
            return false;
        }
        if snapshot.generation > self.generation {
            self.generation = snapshot.generation;
            self.histories.clear();
            self.info = None;
            self.view = None;
        }
        if let Some(info) = snapshot.info {
            self.info = Some(info);
        }
        if let Some(view) = snapshot.view {
            self.view = Some(view);
        }
        for row in &snapshot.rows {
            self.histories.push_row(row);
        }
        let changed = snapshot.state != self.state;
        if changed {
            self.log_state_change(&snapshot.state);
        }
        self.step = snapshot.step;
        self.steps_per_second = snapshot.steps_per_second;
        self.state = snapshot.state;
        changed
    }

    fn log_state_change(&self, next: &RunState) {
        let label = &self.label;
        match next {
            RunState::Diverged { step, reason } => warn!(label, step, %reason, "run diverged"),
            RunState::Failed(message) => warn!(label, %message, "run failed"),
            other => info!(label, state = ?other, generation = self.generation, "run state"),
        }
    }

    /// Marks the run failed because its training thread is gone. A failure
    /// already recorded stays.
    pub(crate) fn mark_stopped(&mut self, reason: &str) {
        if !matches!(self.state, RunState::Failed(_)) {
            self.state = RunState::Failed(format!("training thread stopped: {reason}"));
        }
    }

    /// Returns whether the run has ended: finished, diverged or failed.
    pub fn has_stopped(&self) -> bool {
        matches!(
            self.state,
            RunState::Finished | RunState::Diverged { .. } | RunState::Failed(_)
        )
    }

    /// Replaces the label and settings; the reported state stays until the
    /// restarted run reports.
    pub(crate) fn relabel(&mut self, label: String, preset: Preset) {
        self.label = label;
        self.preset = preset;
    }

    pub(crate) fn preset_mut(&mut self) -> &mut Preset {
        &mut self.preset
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn step(&self) -> u64 {
        self.step
    }

    pub fn steps_per_second(&self) -> f64 {
        self.steps_per_second
    }

    pub fn state(&self) -> &RunState {
        &self.state
    }

    pub fn info(&self) -> Option<&RunInfo> {
        self.info.as_deref()
    }

    pub fn view(&self) -> Option<&FunctionView> {
        self.view.as_ref()
    }

    pub fn histories(&self) -> &MetricHistories {
        &self.histories
    }
}
