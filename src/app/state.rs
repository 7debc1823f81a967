//! The TUI state and its single mutator, `App::update`.

use std::path::PathBuf;

use tracing::{info, warn};

use super::action::{Action, Effect};
use super::chart_focus::ChartSelection;
use super::compare::scaling_label;
use super::history::MetricHistories;
use super::run_control::slots;
use super::run_slot::RunSlot;
use crate::config::CompareRun;
use crate::config::types::Preset;
use crate::train::snapshot::{FunctionView, RunInfo, RunState};

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
    pub(super) runs: Vec<RunSlot>,
    /// True when the runs differ from the bundled preset they were loaded from.
    pub(super) edited: bool,
    pub(super) catalog: Vec<Preset>,
    /// Compare runs of each catalog entry, by position; empty for a single run.
    pub(super) catalog_compare: Vec<Vec<CompareRun>>,
    pub(super) flash: Flash,
    /// Whether the last pause command sent was `Pause`.
    pub(super) pause_requested: bool,
    /// Set once a training thread is gone; its first reason stays shown.
    pub(super) trainer_stopped: bool,
    pub(super) show_help: bool,
    /// Draw the theory overlays in the function view.
    pub(super) show_overlays: bool,
    /// Folder under which `e` creates its timestamped export folders.
    pub(super) export_dir: PathBuf,
    pub(super) should_quit: bool,
    /// The focused metric chart and the metric each chart shows.
    pub(super) charts: ChartSelection,
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
            charts: ChartSelection::default(),
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
            Action::FocusChart { forward } => {
                self.move_chart_focus(forward);
                None
            }
            Action::CycleChartMetric { forward } => {
                self.cycle_chart_metric(forward);
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

    pub(super) fn set_flash(&mut self, text: String, warning: bool) {
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

    pub fn chart_selection(&self) -> &ChartSelection {
        &self.charts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::catalog_app;

    #[test]
    fn cancel_closes_help_then_quits() {
        let mut app = catalog_app();
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
        let mut app = catalog_app();
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

    #[test]
    fn export_result_sets_flash() {
        let mut app = catalog_app();
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
        let mut app = catalog_app();
        assert!(app.show_overlays());
        assert!(app.update(Action::ToggleOverlays).is_none());
        assert!(!app.show_overlays());
        assert_eq!(app.flash().text, "theory overlays hidden");
    }
}
