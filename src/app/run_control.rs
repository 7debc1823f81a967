//! Lifecycle of the runs: pause, restart, compare mode, preset selection
//! and the snapshots of the training threads.

use tracing::warn;

use super::action::Effect;
use super::compare::{counterpart, scaling_label};
use super::run_slot::RunSlot;
use super::state::App;
use crate::config::CompareRun;
use crate::train::snapshot::{Command, RunState, Snapshot};

impl App {
    pub(super) fn toggle_pause(&mut self) -> Option<Effect> {
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
    pub(super) fn restart_all(&mut self) -> Option<Effect> {
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
    pub(super) fn toggle_compare(&mut self) -> Option<Effect> {
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
        self.charts.reset_views();
        Some(self.restart_effect())
    }

    pub(super) fn select_preset(&mut self, index: usize) -> Option<Effect> {
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
        self.charts.reset_views();
        Some(self.restart_effect())
    }

    /// Installs `runs`. When the count stays the same, the slots keep
    /// their generation counters, because the same training threads get
    /// the restart; see [`Effect::Restart`].
    pub(super) fn replace_runs(&mut self, runs: Vec<RunSlot>) {
        if runs.len() != self.runs.len() {
            self.runs = runs;
            return;
        }
        for (slot, run) in self.runs.iter_mut().zip(runs) {
            slot.relabel(run.label().to_string(), run.preset().clone());
        }
    }

    /// Position of the current preset in the catalog, found by name.
    pub(super) fn catalog_position(&self) -> Option<usize> {
        let name = &self.preset().name;
        self.catalog.iter().position(|p| &p.name == name)
    }

    pub(super) fn restart_effect(&mut self) -> Effect {
        self.pause_requested = false;
        Effect::Restart(self.run_presets())
    }

    pub(super) fn apply_snapshot(&mut self, run: usize, snapshot: Snapshot) {
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
}

/// Builds one run slot per compare run, with the run's label.
pub(super) fn slots(runs: Vec<CompareRun>) -> Vec<RunSlot> {
    runs.into_iter()
        .map(|run| RunSlot::new(run.label, run.preset))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::app::fixtures::{
        catalog_app, named_preset, restarted_preset, run_presets, sample_info, sample_preset,
        sample_snapshot,
    };
    use crate::app::run_slot::RunSlot;
    use crate::app::{Action, App, Effect};
    use crate::config::CompareRun;
    use crate::config::types::Scaling;
    use crate::train::snapshot::{Command, RunState};

    #[test]
    fn restart_draws_next_seed() {
        let mut app = catalog_app();
        let seed = app.preset().train.seed;
        let preset = restarted_preset(app.update(Action::Restart));
        assert_eq!(preset.train.seed, seed + 1);
    }

    #[test]
    fn update_selects_preset_by_position() {
        let mut app = catalog_app();
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
        let mut app = catalog_app();
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
        let mut app = catalog_app();
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
        let mut app = catalog_app();
        let mut snapshot = sample_snapshot(0, None, 0..1);
        snapshot.state = RunState::Finished;
        app.update(Action::Snapshot(0, Box::new(snapshot)));
        assert!(app.update(Action::TogglePause).is_none());
        assert!(app.flash().warning);
    }

    #[test]
    fn snapshot_new_generation_clears_history() {
        let mut app = catalog_app();
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
    fn compare_toggle_adds_counterpart() {
        let mut app = catalog_app();
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
    fn compare_pause_is_broadcast() {
        let mut app = catalog_app();
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
        let mut app = catalog_app();
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
}
