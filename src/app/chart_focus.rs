//! Which metric chart has the focus, and which metric each chart shows.
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

    /// Moves the focus one chart down (`forward`) or up, wrapping around.
    pub fn move_focus(&mut self, forward: bool) {
        let count = ChartSlot::ALL.len();
        self.focus = if forward {
            (self.focus + 1) % count
        } else {
            (self.focus + count - 1) % count
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

    /// Moves the chart focus and names the metric it now shows.
    pub(super) fn move_chart_focus(&mut self, forward: bool) {
        self.charts.move_focus(forward);
        let slot = self.charts.focus();
        let views = self.chart_views(slot);
        let index = self.charts.view_index(slot, views.len());
        let title = views.get(index).map_or("", |view| view.title.as_str());
        let text = if views.len() > 1 {
            format!(
                "{} chart: {title} ({}/{}); m and M cycle its metric",
                slot.name(),
                index + 1,
                views.len()
            )
        } else {
            format!("{} chart: {title}, its only metric here", slot.name())
        };
        self.set_flash(text, false);
    }

    /// Shows the next or previous metric in the focused chart, or explains
    /// that it has only one.
    pub(super) fn cycle_chart_metric(&mut self, forward: bool) {
        let slot = self.charts.focus();
        let views = self.chart_views(slot);
        if views.len() < 2 {
            let text = format!(
                "the {} chart has one metric here; Tab moves the focus",
                slot.name()
            );
            self.set_flash(text, true);
            return;
        }
        let index = self.charts.step_view(views.len(), forward);
        let title = views.get(index).map_or("", |view| view.title.as_str());
        let text = format!(
            "{} chart: {title} ({}/{})",
            slot.name(),
            index + 1,
            views.len()
        );
        self.set_flash(text, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_wraps_both_ways() {
        let mut selection = ChartSelection::default();
        assert_eq!(selection.focus(), ChartSlot::Loss);
        selection.move_focus(false);
        assert_eq!(selection.focus(), ChartSlot::Kernel);
        selection.move_focus(true);
        assert_eq!(selection.focus(), ChartSlot::Loss);
        selection.move_focus(true);
        assert_eq!(selection.focus(), ChartSlot::Change);
    }

    #[test]
    fn step_view_wraps_and_stays_per_slot() {
        let mut selection = ChartSelection::default();
        selection.move_focus(true);
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
        selection.move_focus(true);
        selection.step_view(4, true);
        selection.reset_views();
        assert_eq!(selection.focus(), ChartSlot::Change);
        assert_eq!(selection.view_index(ChartSlot::Change, 4), 0);
    }
}
