//! The TUI state and its single mutator, `App::update`.

use std::path::PathBuf;

use tracing::{info, warn};

use super::action::{Action, Effect};
use super::compare::{counterpart, edit_all, scaling_label};
use super::history::MetricHistories;
use super::preset_edit::{self, EditOutcome};
use super::run_slot::RunSlot;
use crate::config::CompareRun;
use crate::config::types::Preset;
use crate::train::snapshot::{Command, FunctionView, RunInfo, RunState};

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
    /// One run in single mode, two to four in compare mode. Run 0 is the
    /// one whose settings the header shows.
    runs: Vec<RunSlot>,
    /// True when the runs differ from the bundled preset they were loaded from.
    edited: bool,
    catalog: Vec<Preset>,
    /// Compare runs of each catalog entry, by position; empty for a single run.
    catalog_compare: Vec<Vec<CompareRun>>,
    flash: Flash,
    /// Whether the last pause command sent was `Pause`.
    pause_requested: bool,
    /// Set once a training thread is gone; its first reason stays shown.
    trainer_stopped: bool,
    show_help: bool,
    /// Draw the theory overlays in the function view.
    show_overlays: bool,
    /// Folder under which `e` creates its timestamped export folders.
    export_dir: PathBuf,
    should_quit: bool,
}

impl App {
    /// Creates the state for one run of `preset`. `catalog` lists the
    /// bundled presets that the digit keys and `p` select, in key order.
    pub fn new(preset: Preset, catalog: Vec<Preset>) -> App {
        App {
            flash: Flash {
                text: preset.description.clone(),
                warning: false,
            },
            runs: vec![RunSlot::new(scaling_label(&preset), preset)],
            edited: false,
            catalog,
            catalog_compare: Vec::new(),
            pause_requested: false,
            trainer_stopped: false,
            show_help: false,
            show_overlays: true,
            export_dir: PathBuf::from("."),
            should_quit: false,
        }
    }

    /// Starts in compare mode on `runs` instead of the single run; an empty
    /// list keeps the single run.
    pub fn with_compare(mut self, runs: Vec<CompareRun>) -> App {
        if !runs.is_empty() {
            self.runs = slots(runs);
        }
        self
    }

    /// Sets the compare runs of the catalog entries, by position, so that
    /// selecting such an entry opens compare mode.
    pub fn with_catalog_compare(mut self, compare: Vec<Vec<CompareRun>>) -> App {
        self.catalog_compare = compare;
        self
    }

    /// Sets the folder under which exports are written (default: the
    /// current directory).
    pub fn with_export_dir(mut self, export_dir: PathBuf) -> App {
        self.export_dir = export_dir;
        self
    }

    /// Applies `action` and returns what the training threads must do, if
    /// anything.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
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
            Action::ToggleOverlays => {
                self.show_overlays = !self.show_overlays;
                let text = if self.show_overlays {
                    "theory overlays shown"
                } else {
                    "theory overlays hidden"
                };
                self.set_flash(text.to_string(), false);
                None
            }
            Action::Export => {
                warn!("export requested from App::update; the event loop writes exports");
                None
            }
            Action::ExportFinished(result) => {
                match result {
                    Ok(folder) => {
                        info!(folder = %folder.display(), "exported");
                        self.set_flash(format!("exported to {}", folder.display()), false);
                    }
                    Err(message) => {
                        warn!(%message, "export failed");
                        self.set_flash(format!("export failed: {message}"), true);
                    }
                }
                None
            }
            Action::TogglePause => self.toggle_pause(),
            Action::Restart => self.restart_all(),
            Action::ToggleCompare => self.toggle_compare(),
            Action::SelectPreset(index) => self.select_preset(index),
            Action::NextPreset => {
                let next = self.catalog_position().map_or(0, |i| i + 1);
                self.select_preset(next % self.catalog.len().max(1))
            }
            Action::Snapshot(run, snapshot) => {
                self.apply_snapshot(run, *snapshot);
                None
            }
            Action::TrainerStopped(reason) => {
                if !self.trainer_stopped {
                    warn!(%reason, "training thread stopped");
                    self.trainer_stopped = true;
                    for run in &mut self.runs {
                        run.mark_stopped(&reason);
                    }
                }
                self.set_flash("press q to quit".to_string(), true);
                None
            }
            edit => self.apply_edit(edit),
        }
    }

    fn toggle_pause(&mut self) -> Option<Effect> {
        if self.runs.iter().all(RunSlot::has_stopped) {
            self.set_flash("the run has stopped; press r to restart".to_string(), true);
            return None;
        }
        self.pause_requested = !self.pause_requested;
        let (text, command) = if self.pause_requested {
            ("pause", Command::Pause)
        } else {
            ("resume", Command::Resume)
        };
        let text = if self.is_comparing() {
            format!("{text} (all {} runs)", self.runs.len())
        } else {
            text.to_string()
        };
        self.set_flash(text, false);
        Some(Effect::Broadcast(command))
    }

    /// Restarts every run from a new initialisation: same settings, next
    /// seed. Runs that shared a seed keep sharing it.
    fn restart_all(&mut self) -> Option<Effect> {
        for run in &mut self.runs {
            let train = &mut run.preset_mut().train;
            train.seed = train.seed.wrapping_add(1);
        }
        let preset = self.preset();
        let mut text = format!("restart {} with seed {}", preset.name, preset.train.seed);
        if self.is_comparing() {
            text.push_str(&format!(" (all {} runs)", self.runs.len()));
        }
        self.set_flash(text, false);
        Some(self.restart_effect())
    }

    /// Enters compare mode with the current run and its counterpart in the
    /// other scaling, or leaves it keeping run 0.
    fn toggle_compare(&mut self) -> Option<Effect> {
        if self.is_comparing() {
            let first = self.runs.swap_remove(0);
            let preset = first.preset().clone();
            self.set_flash(format!("one run: {}", first.label()), false);
            self.runs = vec![RunSlot::new(scaling_label(&preset), preset)];
        } else {
            let preset = self.preset().clone();
            let other = counterpart(&preset);
            let text = format!(
                "compare {} vs {}: keys act on both runs",
                scaling_label(&preset),
                scaling_label(&other)
            );
            self.set_flash(text, false);
            self.runs = vec![
                RunSlot::new(scaling_label(&preset), preset),
                RunSlot::new(scaling_label(&other), other),
            ];
        }
        Some(self.restart_effect())
    }

    fn select_preset(&mut self, index: usize) -> Option<Effect> {
        let Some(preset) = self.catalog.get(index) else {
            let count = self.catalog.len();
            self.set_flash(
                format!("no preset {}: {count} bundled presets", index + 1),
                true,
            );
            return None;
        };
        let preset = preset.clone();
        let compare = self.catalog_compare.get(index).cloned().unwrap_or_default();
        let mut text = format!("preset {}", preset.name);
        if !preset.description.is_empty() {
            text = format!("{text}: {}", preset.description);
        }
        self.set_flash(text, false);
        let runs = if compare.is_empty() {
            vec![RunSlot::new(scaling_label(&preset), preset)]
        } else {
            slots(compare)
        };
        self.replace_runs(runs);
        self.edited = false;
        Some(self.restart_effect())
    }

    /// Installs `runs`. When the count stays the same, the slots keep
    /// their generation counters, because the same training threads get
    /// the restart; see [`Effect::Restart`].
    fn replace_runs(&mut self, runs: Vec<RunSlot>) {
        if runs.len() != self.runs.len() {
            self.runs = runs;
            return;
        }
        for (slot, run) in self.runs.iter_mut().zip(runs) {
            slot.relabel(run.label().to_string(), run.preset().clone());
        }
    }

    /// Position of the current preset in the catalog, found by name.
    fn catalog_position(&self) -> Option<usize> {
        let name = &self.preset().name;
        self.catalog.iter().position(|p| &p.name == name)
    }

    fn apply_edit(&mut self, action: Action) -> Option<Effect> {
        let comparing = self.is_comparing();
        let edit: fn(&mut Preset) -> EditOutcome = match action {
            Action::CycleScaling | Action::Gamma0Down | Action::Gamma0Up if comparing => {
                let text = "s, [ and ] are off in compare mode because the runs differ in \
                            scaling; press c to leave compare mode";
                self.set_flash(text.to_string(), true);
                return None;
            }
            Action::CycleScaling => preset_edit::cycle_scaling,
            Action::Gamma0Down => |p| preset_edit::scale_gamma0(p, 0.5),
            Action::Gamma0Up => |p| preset_edit::scale_gamma0(p, 2.0),
            Action::WidthHalve => |p| preset_edit::scale_width(p, false),
            Action::WidthDouble => |p| preset_edit::scale_width(p, true),
            Action::ToggleOptimizer => preset_edit::toggle_optimizer,
            Action::LearningRateUp => |p| preset_edit::scale_learning_rate(p, 2.0),
            Action::LearningRateDown => |p| preset_edit::scale_learning_rate(p, 0.5),
            other => {
                warn!(action = ?other, "action is not a parameter edit");
                return None;
            }
        };
        let mut presets: Vec<&mut Preset> = self.runs.iter_mut().map(RunSlot::preset_mut).collect();
        match edit_all(&mut presets, edit) {
            EditOutcome::Changed(message) => {
                info!(%message, "parameter changed, restarting");
                self.edited = true;
                if !comparing {
                    let label = scaling_label(self.preset());
                    let preset = self.preset().clone();
                    self.runs[0].relabel(label, preset);
                }
                self.set_flash(message, false);
                Some(self.restart_effect())
            }
            EditOutcome::Rejected(message) => {
                self.set_flash(message, true);
                None
            }
        }
    }

    fn restart_effect(&mut self) -> Effect {
        self.pause_requested = false;
        Effect::Restart(self.run_presets())
    }

    fn apply_snapshot(&mut self, run: usize, snapshot: crate::train::snapshot::Snapshot) {
        let Some(slot) = self.runs.get_mut(run) else {
            warn!(run, "snapshot for a run that does not exist; dropped");
            return;
        };
        // Follow the trainer's pause state only when it changes, so a snapshot
        // sent before a pause command arrived does not undo the request.
        if slot.apply_snapshot(snapshot) {
            self.pause_requested = slot.state() == &RunState::Paused;
        }
    }

    fn set_flash(&mut self, text: String, warning: bool) {
        self.flash = Flash { text, warning };
    }

    /// Settings of every run, in run order.
    pub fn run_presets(&self) -> Vec<Preset> {
        self.runs.iter().map(|run| run.preset().clone()).collect()
    }

    pub fn runs(&self) -> &[RunSlot] {
        &self.runs
    }

    /// Returns whether several runs are drawn side by side.
    pub fn is_comparing(&self) -> bool {
        self.runs.len() > 1
    }

    fn first(&self) -> &RunSlot {
        // `runs` is never empty: every constructor and replacement puts a run in it.
        &self.runs[0]
    }

    /// Settings of run 0.
    pub fn preset(&self) -> &Preset {
        self.first().preset()
    }

    pub fn is_edited(&self) -> bool {
        self.edited
    }

    pub fn catalog(&self) -> &[Preset] {
        &self.catalog
    }

    pub fn generation(&self) -> u64 {
        self.first().generation()
    }

    pub fn step(&self) -> u64 {
        self.first().step()
    }

    pub fn steps_per_second(&self) -> f64 {
        self.first().steps_per_second()
    }

    pub fn state(&self) -> &RunState {
        self.first().state()
    }

    pub fn info(&self) -> Option<&RunInfo> {
        self.first().info()
    }

    pub fn view(&self) -> Option<&FunctionView> {
        self.first().view()
    }

    pub fn histories(&self) -> &MetricHistories {
        self.first().histories()
    }

    pub fn flash(&self) -> &Flash {
        &self.flash
    }

    pub fn show_help(&self) -> bool {
        self.show_help
    }

    pub fn export_dir(&self) -> &std::path::Path {
        &self.export_dir
    }

    pub fn show_overlays(&self) -> bool {
        self.show_overlays
    }

    pub fn should_quit(&self) -> bool {
        self.should_quit
    }
}

fn slots(runs: Vec<CompareRun>) -> Vec<RunSlot> {
    runs.into_iter()
        .map(|run| RunSlot::new(run.label, run.preset))
        .collect()
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

    fn restarted_preset(effect: Option<Effect>) -> Preset {
        match effect {
            Some(Effect::Restart(presets)) if presets.len() == 1 => {
                presets.into_iter().next().expect("one preset")
            }
            other => panic!("expected a restart of one run, got {other:?}"),
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
        app.update(Action::Snapshot(
            0,
            Box::new(sample_snapshot(0, None, 0..1)),
        ));
        assert!(matches!(
            app.update(Action::TogglePause),
            Some(Effect::Broadcast(Command::Pause))
        ));
        // A snapshot sent before the trainer saw the pause keeps the request.
        app.update(Action::Snapshot(
            0,
            Box::new(sample_snapshot(0, None, 1..2)),
        ));
        assert!(matches!(
            app.update(Action::TogglePause),
            Some(Effect::Broadcast(Command::Resume))
        ));
    }

    #[test]
    fn update_pause_after_finish_is_rejected() {
        let mut app = app();
        let mut snapshot = sample_snapshot(0, None, 0..1);
        snapshot.state = RunState::Finished;
        app.update(Action::Snapshot(0, Box::new(snapshot)));
        assert!(app.update(Action::TogglePause).is_none());
        assert!(app.flash().warning);
    }

    #[test]
    fn snapshot_new_generation_clears_history() {
        let mut app = app();
        app.update(Action::Snapshot(
            0,
            Box::new(sample_snapshot(0, Some(sample_info()), 0..100)),
        ));
        assert_eq!(app.histories().last_step(), Some(99));
        assert!(app.info().is_some());
        assert!(app.view().is_some());

        app.update(Action::Snapshot(
            0,
            Box::new(sample_snapshot(1, None, 0..1)),
        ));
        assert_eq!(app.generation(), 1);
        assert_eq!(app.histories().last_step(), Some(0));
        assert!(app.info().is_none());
        assert!(app.view().is_none());

        // Rows of the old generation arriving late are dropped.
        app.update(Action::Snapshot(
            0,
            Box::new(sample_snapshot(0, None, 100..200)),
        ));
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

    fn run_presets(effect: Option<Effect>) -> Vec<Preset> {
        match effect {
            Some(Effect::Restart(presets)) => presets,
            other => panic!("expected a restart, got {other:?}"),
        }
    }

    #[test]
    fn compare_toggle_adds_counterpart() {
        let mut app = app();
        let presets = run_presets(app.update(Action::ToggleCompare));
        assert_eq!(presets.len(), 2);
        assert_eq!(presets[0].model.scaling, Scaling::MeanField);
        assert_eq!(presets[1].model.scaling, Scaling::Standard);
        assert_eq!(presets[0].train.seed, presets[1].train.seed);
        assert_eq!(presets[0].data, presets[1].data);
        assert!(app.is_comparing());
        let labels: Vec<&str> = app.runs().iter().map(RunSlot::label).collect();
        assert_eq!(labels, ["mean-field", "standard"]);
        assert_eq!(
            app.flash().text,
            "compare mean-field vs standard: keys act on both runs"
        );

        let presets = run_presets(app.update(Action::ToggleCompare));
        assert_eq!(presets.len(), 1);
        assert_eq!(presets[0].model.scaling, Scaling::MeanField);
        assert!(!app.is_comparing());
        assert_eq!(app.flash().text, "one run: mean-field");
    }

    #[test]
    fn compare_edits_apply_to_every_run() {
        let mut app = app();
        app.update(Action::ToggleCompare);
        let presets = run_presets(app.update(Action::WidthDouble));
        assert_eq!(presets.len(), 2);
        assert!(presets.iter().all(|p| p.model.width == 8192));
        assert_eq!(app.flash().text, "width 4096 -> 8192 (all 2 runs)");

        let presets = run_presets(app.update(Action::Restart));
        assert!(presets.iter().all(|p| p.train.seed == 3));
        assert!(
            app.flash().text.ends_with("(all 2 runs)"),
            "{}",
            app.flash().text
        );
    }

    #[test]
    fn compare_rejects_scaling_keys() {
        let mut app = app();
        app.update(Action::ToggleCompare);
        for action in [Action::CycleScaling, Action::Gamma0Up, Action::Gamma0Down] {
            assert!(app.update(action).is_none());
            assert!(app.flash().warning);
            assert!(app.flash().text.contains("press c"), "{}", app.flash().text);
        }
        assert_eq!(app.runs()[1].preset().model.scaling, Scaling::Standard);
    }

    #[test]
    fn compare_pause_is_broadcast() {
        let mut app = app();
        app.update(Action::ToggleCompare);
        let effect = app.update(Action::TogglePause);
        assert!(
            matches!(effect, Some(Effect::Broadcast(Command::Pause))),
            "{effect:?}"
        );
        assert_eq!(app.flash().text, "pause (all 2 runs)");
    }

    #[test]
    fn compare_routes_snapshots_by_run() {
        let mut app = app();
        app.update(Action::ToggleCompare);
        let snapshot = sample_snapshot(1, Some(sample_info()), 0..50);
        app.update(Action::Snapshot(1, Box::new(snapshot)));
        assert_eq!(app.runs()[1].histories().last_step(), Some(49));
        assert_eq!(app.runs()[0].histories().last_step(), None);
        assert!(app.info().is_none(), "run 0 has not reported");
        // A snapshot for a run that does not exist is dropped.
        app.update(Action::Snapshot(
            7,
            Box::new(sample_snapshot(1, None, 0..1)),
        ));
        assert_eq!(app.runs().len(), 2);
    }

    #[test]
    fn catalog_entry_with_runs_opens_compare() {
        let runs = vec![
            CompareRun {
                label: "lazy".to_string(),
                preset: named_preset("pair"),
            },
            CompareRun {
                label: "rich".to_string(),
                preset: named_preset("pair"),
            },
        ];
        let catalog = vec![sample_preset(), named_preset("pair")];
        let mut app =
            App::new(sample_preset(), catalog).with_catalog_compare(vec![Vec::new(), runs]);
        let presets = run_presets(app.update(Action::SelectPreset(1)));
        assert_eq!(presets.len(), 2);
        let labels: Vec<&str> = app.runs().iter().map(RunSlot::label).collect();
        assert_eq!(labels, ["lazy", "rich"]);
        let presets = run_presets(app.update(Action::SelectPreset(0)));
        assert_eq!(presets.len(), 1);
        assert!(!app.is_comparing());
    }

    #[test]
    fn export_result_sets_flash() {
        let mut app = app();
        let folder = std::path::PathBuf::from("out/lazyrich-export-20261204-183012");
        app.update(Action::ExportFinished(Ok(folder)));
        assert_eq!(
            app.flash().text,
            "exported to out/lazyrich-export-20261204-183012"
        );
        assert!(!app.flash().warning);
        app.update(Action::ExportFinished(Err("disk full".to_string())));
        assert_eq!(app.flash().text, "export failed: disk full");
        assert!(app.flash().warning);
    }

    #[test]
    fn overlays_toggle() {
        let mut app = app();
        assert!(app.show_overlays());
        assert!(app.update(Action::ToggleOverlays).is_none());
        assert!(!app.show_overlays());
        assert_eq!(app.flash().text, "theory overlays hidden");
    }
}
