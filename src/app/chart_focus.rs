//! The focused metric chart and the metric that each chart shows.
//!
//! The three charts beside the main view each cycle through a list of
//! metrics (see [`crate::ui::chart_views`]). `Tab` moves the focus and `m`
//! and `M` step the focused chart through its list.

use super::run_slot::RunSlot;
use super::state::App;
use crate::config::types::Preset;
use crate::ui::chart_views::{ChartView, chart_views};

/// Position of a metric chart, top to bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartSlot {
    /// Training and test loss.
    Loss,
    /// Weight and feature change.
    Change,
    /// Kernel metrics and the teacher alignment.
    Kernel,
}

impl ChartSlot {
    pub const ALL: [ChartSlot; 3] = [ChartSlot::Loss, ChartSlot::Change, ChartSlot::Kernel];

    fn position(self) -> usize {
        match self {
            ChartSlot::Loss => 0,
            ChartSlot::Change => 1,
            ChartSlot::Kernel => 2,
        }
    }

    /// Name used in status messages: "loss", "change" or "kernel".
    pub fn name(self) -> &'static str {
        match self {
            ChartSlot::Loss => "loss",
            ChartSlot::Change => "change",
            ChartSlot::Kernel => "kernel",
        }
    }
}

/// The focused chart and the index of the metric view of each chart.
///
/// Indices are stored as selected and reduced modulo the number of views
/// when read, so a list that shrinks (a shallower network after an edit)
/// never leaves an index out of range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChartSelection {
    focus: usize,
    views: [usize; 3],
}

impl ChartSelection {
    pub fn focus(&self) -> ChartSlot {
        ChartSlot::ALL[self.focus % ChartSlot::ALL.len()]
    }

    /// Moves the focus down (`forward`) or up, wrapping around, to the
    /// next chart with more than one view. `counts` contains the number of
    /// views of each chart in [`ChartSlot::ALL`] order. When no chart has
    /// more than one, the focus moves one chart.
    pub fn move_focus(&mut self, forward: bool, counts: [usize; 3]) {
        let total = ChartSlot::ALL.len();
        let step = |focus: usize| {
            if forward {
                (focus + 1) % total
            } else {
                (focus + total - 1) % total
            }
        };
        let mut next = step(self.focus);
        for _ in 1..total {
            if counts[next] > 1 {
                break;
            }
            next = step(next);
        }
        self.focus = if counts[next] > 1 {
            next
        } else {
            step(self.focus)
        };
    }

    /// Index of the view that `slot` shows, out of `count` views (0 when
    /// `count` is 0).
    pub fn view_index(&self, slot: ChartSlot, count: usize) -> usize {
        self.views[slot.position()].checked_rem(count).unwrap_or(0)
    }

    /// Steps the focused chart to its next (`forward`) or previous view
    /// out of `count`, wrapping around, and returns the new index.
    pub fn step_view(&mut self, count: usize, forward: bool) -> usize {
        let slot = self.focus();
        let current = self.view_index(slot, count);
        let next = match (count, forward) {
            (0, _) => 0,
            (_, true) => (current + 1) % count,
            (_, false) => (current + count - 1) % count,
        };
        self.views[slot.position()] = next;
        next
    }

    /// Returns every chart to its first view and keeps the focus, for a
    /// new preset or a switch into or out of compare mode, where the lists
    /// change.
    pub fn reset_views(&mut self) {
        self.views = [0; 3];
    }
}

impl App {
    /// Returns the views that the chart at `slot` cycles through for the
    /// current runs; never empty.
    pub fn chart_views(&self, slot: ChartSlot) -> Vec<ChartView> {
        let presets: Vec<&Preset> = self.runs.iter().map(RunSlot::preset).collect();
        chart_views(&presets, slot)
    }

    /// Moves the chart focus to the next chart with more than one metric.
    pub(super) fn move_chart_focus(&mut self, forward: bool) {
        let counts = ChartSlot::ALL.map(|slot| self.chart_views(slot).len());
        if counts.iter().all(|count| *count < 2) {
            let text = "every chart has one metric in this run; Tab has nothing to focus";
            self.set_flash(text.to_string(), true);
            return;
        }
        self.charts.move_focus(forward, counts);
        let text = format!(
            "focus: {} chart; m and M cycle its metric",
            self.charts.focus().name()
        );
        self.set_flash(text, false);
    }

    /// Shows the next or previous metric in the focused chart. When that
    /// chart has only one, which the missing focus marker shows, the focus
    /// first moves down to the next chart that has several.
    pub(super) fn cycle_chart_metric(&mut self, forward: bool) {
        let counts = ChartSlot::ALL.map(|slot| self.chart_views(slot).len());
        if counts.iter().all(|count| *count < 2) {
            let text = "every chart has one metric in this run";
            self.set_flash(text.to_string(), true);
            return;
        }
        if self.chart_views(self.charts.focus()).len() < 2 {
            self.charts.move_focus(true, counts);
        }
        let slot = self.charts.focus();
        let views = self.chart_views(slot);
        let index = self.charts.step_view(views.len(), forward);
        let title = views.get(index).map_or("", |view| view.title.as_str());
        // The flash leaves out the chart name, because the header cuts long
        // messages at 80 columns and the focus marker shows the chart.
        let text = format!("{title} ({}/{})", index + 1, views.len());
        self.set_flash(text, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;
    use crate::app::fixtures::{catalog_app, deep_preset, sample_preset, teacher_preset};

    #[test]
    fn focus_wraps_both_ways() {
        let mut selection = ChartSelection::default();
        assert_eq!(selection.focus(), ChartSlot::Loss);
        selection.move_focus(false, [2, 2, 2]);
        assert_eq!(selection.focus(), ChartSlot::Kernel);
        selection.move_focus(true, [2, 2, 2]);
        assert_eq!(selection.focus(), ChartSlot::Loss);
        selection.move_focus(true, [2, 2, 2]);
        assert_eq!(selection.focus(), ChartSlot::Change);
    }

    #[test]
    fn focus_skips_single_view_charts() {
        let mut selection = ChartSelection::default();
        selection.move_focus(true, [1, 1, 2]);
        assert_eq!(selection.focus(), ChartSlot::Kernel);
        // The only chart with several views keeps the focus.
        selection.move_focus(true, [1, 1, 2]);
        assert_eq!(selection.focus(), ChartSlot::Kernel);
        selection.move_focus(false, [1, 3, 2]);
        assert_eq!(selection.focus(), ChartSlot::Change);
        // Without any such chart the focus moves one chart.
        selection.move_focus(true, [1, 1, 1]);
        assert_eq!(selection.focus(), ChartSlot::Kernel);
    }

    #[test]
    fn step_view_wraps_and_stays_per_slot() {
        let mut selection = ChartSelection::default();
        selection.move_focus(true, [1, 3, 1]);
        assert_eq!(selection.step_view(3, true), 1);
        assert_eq!(selection.step_view(3, true), 2);
        assert_eq!(selection.step_view(3, true), 0);
        assert_eq!(selection.step_view(3, false), 2);
        assert_eq!(selection.view_index(ChartSlot::Change, 3), 2);
        // The other charts keep their first view.
        assert_eq!(selection.view_index(ChartSlot::Loss, 3), 0);
        assert_eq!(selection.view_index(ChartSlot::Kernel, 3), 0);
    }

    #[test]
    fn view_index_wraps_when_list_shrinks() {
        let mut selection = ChartSelection::default();
        selection.step_view(5, false);
        assert_eq!(selection.view_index(ChartSlot::Loss, 5), 4);
        assert_eq!(selection.view_index(ChartSlot::Loss, 3), 1);
        assert_eq!(selection.view_index(ChartSlot::Loss, 1), 0);
        assert_eq!(selection.view_index(ChartSlot::Loss, 0), 0);
        assert_eq!(selection.step_view(0, true), 0);
    }

    #[test]
    fn reset_views_keeps_focus() {
        let mut selection = ChartSelection::default();
        selection.move_focus(true, [1, 4, 1]);
        selection.step_view(4, true);
        selection.reset_views();
        assert_eq!(selection.focus(), ChartSlot::Change);
        assert_eq!(selection.view_index(ChartSlot::Change, 4), 0);
    }

    fn app_for(preset: Preset) -> App {
        App::new(preset, Vec::new())
    }

    #[test]
    fn metric_keys_cycle_compare_charts() {
        let mut app = catalog_app();
        app.update(Action::ToggleCompare);
        app.update(Action::CycleChartMetric { forward: true });
        assert_eq!(app.flash().text, "test loss (2/2)");
        assert!(!app.flash().warning);
        assert_eq!(app.chart_selection().view_index(ChartSlot::Loss, 2), 1);

        app.update(Action::FocusChart { forward: true });
        assert_eq!(app.chart_selection().focus(), ChartSlot::Change);
        assert_eq!(
            app.flash().text,
            "focus: change chart; m and M cycle its metric"
        );
        // Backwards from the first view wraps to the last: the readout.
        app.update(Action::CycleChartMetric { forward: false });
        assert_eq!(app.flash().text, "weight change a (readout) (3/3)");
        // The loss chart keeps its own view.
        assert_eq!(app.chart_selection().view_index(ChartSlot::Loss, 2), 1);

        app.update(Action::FocusChart { forward: false });
        app.update(Action::FocusChart { forward: false });
        assert_eq!(app.chart_selection().focus(), ChartSlot::Kernel);
    }

    #[test]
    fn metric_keys_without_choices_warn() {
        let mut app = app_for(sample_preset());
        app.update(Action::FocusChart { forward: true });
        assert!(app.flash().warning);
        assert!(
            app.flash().text.contains("one metric"),
            "{}",
            app.flash().text
        );
        assert_eq!(app.chart_selection().focus(), ChartSlot::Loss);
        app.update(Action::CycleChartMetric { forward: true });
        assert!(app.flash().warning);
        assert_eq!(app.chart_selection().view_index(ChartSlot::Loss, 1), 0);
    }

    #[test]
    fn metric_key_finds_deep_change_chart() {
        let mut app = app_for(deep_preset(3));
        // The loss chart has one view, so m moves on to the change chart.
        app.update(Action::CycleChartMetric { forward: true });
        assert_eq!(app.chart_selection().focus(), ChartSlot::Change);
        assert_eq!(app.flash().text, "weight change by layer (Frobenius) (2/3)");
        // Tab skips the charts with one view and stays put.
        app.update(Action::FocusChart { forward: true });
        assert_eq!(app.chart_selection().focus(), ChartSlot::Change);
        app.update(Action::CycleChartMetric { forward: true });
        assert_eq!(app.flash().text, "weight change by layer (spectral) (3/3)");
    }

    #[test]
    fn teacher_run_focuses_kernel_chart() {
        let mut app = app_for(teacher_preset(1, 16));
        app.update(Action::FocusChart { forward: true });
        assert_eq!(app.chart_selection().focus(), ChartSlot::Kernel);
        assert_eq!(
            app.flash().text,
            "focus: kernel chart; m and M cycle its metric"
        );
        let views = app.chart_views(ChartSlot::Kernel);
        assert_eq!(views[0].title, "teacher alignment");
    }

    #[test]
    fn new_runs_reset_chart_views() {
        let mut app = catalog_app();
        app.update(Action::ToggleCompare);
        app.update(Action::CycleChartMetric { forward: true });
        assert_eq!(app.chart_selection().view_index(ChartSlot::Loss, 2), 1);
        app.update(Action::ToggleCompare);
        assert_eq!(app.chart_selection().view_index(ChartSlot::Loss, 2), 0);

        app.update(Action::ToggleCompare);
        app.update(Action::CycleChartMetric { forward: true });
        app.update(Action::SelectPreset(0));
        assert_eq!(app.chart_selection().view_index(ChartSlot::Loss, 2), 0);

        // A parameter edit keeps the views.
        app.update(Action::ToggleCompare);
        app.update(Action::CycleChartMetric { forward: true });
        app.update(Action::WidthDouble);
        assert_eq!(app.chart_selection().view_index(ChartSlot::Loss, 2), 1);
    }
}
