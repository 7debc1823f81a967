//! Parameter edits from the keyboard (scaling, gamma0, width, optimizer,
//! learning rate), applied to every run at once.

use tracing::{info, warn};

use super::action::{Action, Effect};
use super::compare::{edit_all, scaling_label};
use super::preset_edit::{self, EditOutcome};
use super::run_slot::RunSlot;
use super::state::App;
use crate::config::types::Preset;

impl App {
    pub(super) fn apply_edit(&mut self, action: Action) -> Option<Effect> {
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
}

#[cfg(test)]
mod tests {
    use crate::app::Action;
    use crate::app::fixtures::{catalog_app, restarted_preset, run_presets};
    use crate::config::types::{Optimizer, Scaling};

    #[test]
    fn update_width_double_restarts() {
        let mut app = catalog_app();
        let preset = restarted_preset(app.update(Action::WidthDouble));
        assert_eq!(preset.model.width, 8192);
        assert_eq!(app.preset().model.width, 8192);
        assert!(app.is_edited());
        assert_eq!(app.flash().text, "width 4096 -> 8192");
        assert!(!app.flash().warning);
    }

    #[test]
    fn update_width_halve_stops_at_one() {
        let mut app = catalog_app();
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
        let mut app = catalog_app();
        let preset = restarted_preset(app.update(Action::Gamma0Up));
        assert_eq!(preset.model.scaling, Scaling::Gamma0);
        assert_eq!(preset.model.gamma0, 2.0);
        let preset = restarted_preset(app.update(Action::Gamma0Down));
        assert_eq!(preset.model.gamma0, 1.0);
    }

    #[test]
    fn update_scaling_cycle_restarts() {
        let mut app = catalog_app();
        let preset = restarted_preset(app.update(Action::CycleScaling));
        assert_eq!(preset.model.scaling, Scaling::Gamma0);
        let preset = restarted_preset(app.update(Action::CycleScaling));
        assert_eq!(preset.model.scaling, Scaling::Standard);
    }

    #[test]
    fn update_optimizer_and_learning_rate() {
        let mut app = catalog_app();
        let preset = restarted_preset(app.update(Action::ToggleOptimizer));
        assert_eq!(preset.train.optimizer, Optimizer::Langevin);
        let langevin_rate = preset.train.learning_rate;
        let preset = restarted_preset(app.update(Action::LearningRateUp));
        assert_eq!(preset.train.learning_rate, 2.0 * langevin_rate);
        let preset = restarted_preset(app.update(Action::LearningRateDown));
        assert_eq!(preset.train.learning_rate, langevin_rate);
    }

    #[test]
    fn compare_edits_apply_to_every_run() {
        let mut app = catalog_app();
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
        let mut app = catalog_app();
        app.update(Action::ToggleCompare);
        for action in [Action::CycleScaling, Action::Gamma0Up, Action::Gamma0Down] {
            assert!(app.update(action).is_none());
            assert!(app.flash().warning);
            assert!(app.flash().text.contains("press c"), "{}", app.flash().text);
        }
        assert_eq!(app.runs()[1].preset().model.scaling, Scaling::Standard);
    }
}
