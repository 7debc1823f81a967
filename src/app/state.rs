//! The TUI state and its single mutator, `App::update`.

use std::sync::Arc;

use tracing::{info, warn};

use super::action::Action;
use super::history::MetricHistories;
use super::preset_edit::{self, EditOutcome};
use crate::config::types::Preset;
use crate::train::snapshot::{Command, FunctionView, RunInfo, RunState, Snapshot};

/// The one-line status message shown for the last action.
#[derive(Clone, Debug, PartialEq)]
pub struct Flash {
    pub text: String,
    /// Draw in the warning style (a rejected edit or a trainer problem).
    pub warning: bool,
}

/// Everything the panels draw. Rendering reads it, and only `update`
/// changes it.
#[derive(Debug)]
pub struct App {
    /// Settings of the run that was last requested (edits apply here first).
    preset: Preset,
    /// True when `preset` differs from the bundled preset it was loaded from.
    edited: bool,
    catalog: Vec<Preset>,
    generation: u64,
    step: u64,
    steps_per_second: f64,
    state: RunState,
    info: Option<Arc<RunInfo>>,
    view: Option<FunctionView>,
    histories: MetricHistories,
    flash: Flash,
    /// Whether the last pause command sent was `Pause`.
    pause_requested: bool,
    /// Set once the training thread is gone; its first reason stays shown.
    trainer_stopped: bool,
    show_help: bool,
    should_quit: bool,
}

impl App {
    /// Creates the state for `preset`. `catalog` lists the bundled presets
    /// that the digit keys and `p` select, in key order.
    pub fn new(preset: Preset, catalog: Vec<Preset>) -> App {
        App {
            flash: Flash {
                text: preset.description.clone(),
                warning: false,
            },
            preset,
            edited: false,
            catalog,
            generation: 0,
            step: 0,
            steps_per_second: 0.0,
            state: RunState::Starting,
            info: None,
            view: None,
            histories: MetricHistories::default(),
            pause_requested: false,
            trainer_stopped: false,
            show_help: false,
            should_quit: false,
        }
    }

    /// Applies `action` and returns the command to send to the training
    /// thread, if any.
    pub fn update(&mut self, action: Action) -> Option<Command> {
        match action {
            Action::Quit => {
                self.should_quit = true;
                None
            }
            Action::Cancel => {
                if self.show_help {
                    self.show_help = false;
                } else {
                    self.should_quit = true;
                }
                None
            }
            Action::ToggleHelp => {
                self.show_help = !self.show_help;
                None
            }
            Action::TogglePause => self.toggle_pause(),
            Action::Restart => {
                // A restart draws a new initialisation: same settings, next seed.
                let seed = self.preset.train.seed.wrapping_add(1);
                self.preset.train.seed = seed;
                self.set_flash(
                    format!("restart {} with seed {seed}", self.preset.name),
                    false,
                );
                Some(self.restart_command())
            }
            Action::SelectPreset(index) => self.select_preset(index),
            Action::NextPreset => {
                let next = self.catalog_position().map_or(0, |i| i + 1);
                self.select_preset(next % self.catalog.len().max(1))
            }
            Action::Snapshot(snapshot) => {
                self.apply_snapshot(*snapshot);
                None
            }
            Action::TrainerStopped(reason) => {
                if !self.trainer_stopped {
                    warn!(%reason, "training thread stopped");
                    self.trainer_stopped = true;
                    self.state = RunState::Failed(format!("training thread stopped: {reason}"));
                }
                self.set_flash("press q to quit".to_string(), true);
                None
            }
            edit => self.apply_edit(edit),
        }
    }

    fn toggle_pause(&mut self) -> Option<Command> {
        if matches!(
            self.state,
            RunState::Finished | RunState::Diverged { .. } | RunState::Failed(_)
        ) {
            self.set_flash("the run has stopped; press r to restart".to_string(), true);
            return None;
        }
        self.pause_requested = !self.pause_requested;
        if self.pause_requested {
            self.set_flash("pause".to_string(), false);
            Some(Command::Pause)
        } else {
            self.set_flash("resume".to_string(), false);
            Some(Command::Resume)
        }
    }

    fn select_preset(&mut self, index: usize) -> Option<Command> {
        let Some(preset) = self.catalog.get(index) else {
            let count = self.catalog.len();
            self.set_flash(
                format!("no preset {}: {count} bundled presets", index + 1),
                true,
            );
            return None;
        };
        self.preset = preset.clone();
        self.edited = false;
        let mut text = format!("preset {}", self.preset.name);
        if !self.preset.description.is_empty() {
            text = format!("{text}: {}", self.preset.description);
        }
        self.set_flash(text, false);
        Some(self.restart_command())
    }

    /// Position of the current preset in the catalog, found by name.
    fn catalog_position(&self) -> Option<usize> {
        self.catalog.iter().position(|p| p.name == self.preset.name)
    }

    fn apply_edit(&mut self, action: Action) -> Option<Command> {
        let preset = &mut self.preset;
        let outcome = match action {
            Action::CycleScaling => preset_edit::cycle_scaling(preset),
            Action::Gamma0Down => preset_edit::scale_gamma0(preset, 0.5),
            Action::Gamma0Up => preset_edit::scale_gamma0(preset, 2.0),
            Action::WidthHalve => preset_edit::scale_width(preset, false),
            Action::WidthDouble => preset_edit::scale_width(preset, true),
            Action::ToggleOptimizer => preset_edit::toggle_optimizer(preset),
            Action::LearningRateUp => preset_edit::scale_learning_rate(preset, 2.0),
            Action::LearningRateDown => preset_edit::scale_learning_rate(preset, 0.5),
            other => {
                warn!(action = ?other, "action is not a parameter edit");
                return None;
            }
        };
        match outcome {
            EditOutcome::Changed(message) => {
                info!(%message, "parameter changed, restarting");
                self.edited = true;
                self.set_flash(message, false);
                Some(self.restart_command())
            }
            EditOutcome::Rejected(message) => {
                self.set_flash(message, true);
                None
            }
        }
    }

    fn restart_command(&mut self) -> Command {
        self.pause_requested = false;
        Command::Restart(Box::new(self.preset.clone()))
    }

    /// Stores a snapshot. Rows from an older generation are stale and
    /// dropped. A newer generation clears the histories and the overlays.
    fn apply_snapshot(&mut self, snapshot: Snapshot) {
        if snapshot.generation < self.generation {
            return;
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
        // Follow the trainer's pause state only when it changes, so a snapshot
        // sent before a pause command arrived does not undo the request.
        if snapshot.state != self.state {
            self.log_state_change(&snapshot.state);
            self.pause_requested = snapshot.state == RunState::Paused;
        }
        self.step = snapshot.step;
        self.steps_per_second = snapshot.steps_per_second;
        self.state = snapshot.state;
    }

    fn log_state_change(&self, next: &RunState) {
        match next {
            RunState::Diverged { step, reason } => warn!(step, %reason, "run diverged"),
            RunState::Failed(message) => warn!(%message, "run failed"),
            other => info!(state = ?other, generation = self.generation, "run state"),
        }
    }

    fn set_flash(&mut self, text: String, warning: bool) {
        self.flash = Flash { text, warning };
    }

    pub fn preset(&self) -> &Preset {
        &self.preset
    }

    pub fn is_edited(&self) -> bool {
        self.edited
    }

    pub fn catalog(&self) -> &[Preset] {
        &self.catalog
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

    pub fn flash(&self) -> &Flash {
        &self.flash
    }

    pub fn show_help(&self) -> bool {
        self.show_help
    }

    pub fn should_quit(&self) -> bool {
        self.should_quit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{named_preset, sample_info, sample_preset, sample_snapshot};
    use crate::config::types::{Optimizer, Scaling};

    fn app() -> App {
        let catalog = vec![
            named_preset("lazy-1d"),
            sample_preset(),
            named_preset("bayes-1d"),
        ];
        App::new(sample_preset(), catalog)
    }

    fn restarted_preset(command: Option<Command>) -> Preset {
        match command {
            Some(Command::Restart(preset)) => *preset,
            other => panic!("expected a restart command, got {other:?}"),
        }
    }

    #[test]
    fn update_width_double_restarts() {
        let mut app = app();
        let preset = restarted_preset(app.update(Action::WidthDouble));
        assert_eq!(preset.model.width, 8192);
        assert_eq!(app.preset().model.width, 8192);
        assert!(app.is_edited());
        assert_eq!(app.flash().text, "width 4096 -> 8192");
        assert!(!app.flash().warning);
    }

    #[test]
    fn update_width_halve_stops_at_one() {
        let mut app = app();
        for _ in 0..12 {
            app.update(Action::WidthHalve);
        }
        assert_eq!(app.preset().model.width, 1);
        let command = app.update(Action::WidthHalve);
        assert!(command.is_none());
        assert!(app.flash().warning);
        assert_eq!(app.preset().model.width, 1);
    }

    #[test]
    fn update_gamma0_switches_scaling() {
        let mut app = app();
        let preset = restarted_preset(app.update(Action::Gamma0Up));
        assert_eq!(preset.model.scaling, Scaling::Gamma0);
        assert_eq!(preset.model.gamma0, 2.0);
        let preset = restarted_preset(app.update(Action::Gamma0Down));
        assert_eq!(preset.model.gamma0, 1.0);
    }

    #[test]
    fn update_scaling_cycle_restarts() {
        let mut app = app();
        let preset = restarted_preset(app.update(Action::CycleScaling));
        assert_eq!(preset.model.scaling, Scaling::Gamma0);
        let preset = restarted_preset(app.update(Action::CycleScaling));
        assert_eq!(preset.model.scaling, Scaling::Standard);
    }

    #[test]
    fn restart_draws_next_seed() {
        let mut app = app();
        let seed = app.preset().train.seed;
        let preset = restarted_preset(app.update(Action::Restart));
        assert_eq!(preset.train.seed, seed + 1);
    }

    #[test]
    fn update_optimizer_and_learning_rate() {
        let mut app = app();
        let preset = restarted_preset(app.update(Action::ToggleOptimizer));
        assert_eq!(preset.train.optimizer, Optimizer::Langevin);
        let langevin_rate = preset.train.learning_rate;
        let preset = restarted_preset(app.update(Action::LearningRateUp));
        assert_eq!(preset.train.learning_rate, 2.0 * langevin_rate);
        let preset = restarted_preset(app.update(Action::LearningRateDown));
        assert_eq!(preset.train.learning_rate, langevin_rate);
    }

    #[test]
    fn update_selects_preset_by_position() {
        let mut app = app();
        app.update(Action::WidthDouble);
        let preset = restarted_preset(app.update(Action::SelectPreset(2)));
        assert_eq!(preset.name, "bayes-1d");
        // Selecting a bundled preset drops the edits.
        assert_eq!(preset.model.width, 4096);
        assert!(!app.is_edited());

        assert!(app.update(Action::SelectPreset(5)).is_none());
        assert_eq!(app.flash().text, "no preset 6: 3 bundled presets");
        assert!(app.flash().warning);
        assert_eq!(app.preset().name, "bayes-1d");
    }

    #[test]
    fn update_next_preset_wraps() {
        let mut app = app();
        let names: Vec<String> = (0..3)
            .map(|_| restarted_preset(app.update(Action::NextPreset)).name)
            .collect();
        assert_eq!(names, ["bayes-1d", "lazy-1d", "rich-1d"]);
    }

    #[test]
    fn update_next_preset_empty_catalog() {
        let mut app = App::new(sample_preset(), Vec::new());
        assert!(app.update(Action::NextPreset).is_none());
        assert!(app.flash().warning);
    }

    #[test]
    fn update_pause_toggles() {
        let mut app = app();
        app.update(Action::Snapshot(Box::new(sample_snapshot(0, None, 0..1))));
        assert!(matches!(
            app.update(Action::TogglePause),
            Some(Command::Pause)
        ));
        // A snapshot sent before the trainer saw the pause keeps the request.
        app.update(Action::Snapshot(Box::new(sample_snapshot(0, None, 1..2))));
        assert!(matches!(
            app.update(Action::TogglePause),
            Some(Command::Resume)
        ));
    }

    #[test]
    fn update_pause_after_finish_is_rejected() {
        let mut app = app();
        let mut snapshot = sample_snapshot(0, None, 0..1);
        snapshot.state = RunState::Finished;
        app.update(Action::Snapshot(Box::new(snapshot)));
        assert!(app.update(Action::TogglePause).is_none());
        assert!(app.flash().warning);
    }

    #[test]
    fn snapshot_new_generation_clears_history() {
        let mut app = app();
        app.update(Action::Snapshot(Box::new(sample_snapshot(
            0,
            Some(sample_info()),
            0..100,
        ))));
        assert_eq!(app.histories().last_step(), Some(99));
        assert!(app.info().is_some());
        assert!(app.view().is_some());

        app.update(Action::Snapshot(Box::new(sample_snapshot(1, None, 0..1))));
        assert_eq!(app.generation(), 1);
        assert_eq!(app.histories().last_step(), Some(0));
        assert!(app.info().is_none());
        assert!(app.view().is_none());

        // Rows of the old generation arriving late are dropped.
        app.update(Action::Snapshot(Box::new(sample_snapshot(
            0,
            None,
            100..200,
        ))));
        assert_eq!(app.histories().last_step(), Some(0));
        assert_eq!(app.step(), 0);
    }

    #[test]
    fn cancel_closes_help_then_quits() {
        let mut app = app();
        app.update(Action::ToggleHelp);
        assert!(app.show_help());
        app.update(Action::Cancel);
        assert!(!app.show_help());
        assert!(!app.should_quit());
        app.update(Action::Cancel);
        assert!(app.should_quit());
    }

    #[test]
    fn trainer_stopped_marks_failure() {
        let mut app = app();
        app.update(Action::TrainerStopped("panicked".to_string()));
        assert_eq!(
            app.state(),
            &RunState::Failed("training thread stopped: panicked".to_string())
        );
        assert!(app.flash().warning);
        // A later report keeps the first reason.
        app.update(Action::TrainerStopped("channel closed".to_string()));
        assert_eq!(
            app.state(),
            &RunState::Failed("training thread stopped: panicked".to_string())
        );
    }
}
