//! Drawing one chart view: its lines ready to plot, the title on the top
//! border and the legend on the bottom one.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::symbols::border;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::axis;
use super::chart_legend::{LegendEntry, ViewPlace, chart_heading, chart_legend};
use super::chart_views::ChartView;
use super::charts::render_step_lines;
use super::theme::{Role, Theme};
use crate::app::history::Series;

/// One line of a chart, ready to plot, with its legend entry.
#[derive(Clone, Debug)]
pub(crate) struct PlottedLine {
    pub legend: LegendEntry,
    /// Points to draw: `log10` of the values on a log axis, where values
    /// <= 0 are left out.
    pub points: Vec<(f64, f64)>,
    pub non_finite: u64,
    /// Steps the series covers, `None` when it is missing or empty.
    pub steps: Option<(u64, u64)>,
}

impl PlottedLine {
    /// Builds the line of `series`. A missing series (a layer that has not
    /// reported, or that the run does not have) gives a legend entry
    /// without value and no points.
    pub fn new(
        role: Role,
        name: &str,
        short_name: &str,
        series: Option<&Series>,
        log_y: bool,
    ) -> PlottedLine {
        let mut points = series.map(Series::line_points).unwrap_or_default();
        if log_y {
            points = points
                .into_iter()
                .filter(|p| p.1 > 0.0)
                .map(|(x, y)| (x, y.log10()))
                .collect();
        }
        PlottedLine {
            legend: LegendEntry {
                role,
                name: name.to_string(),
                short_name: short_name.to_string(),
                latest: series.and_then(Series::latest),
            },
            points,
            non_finite: series.map_or(0, Series::non_finite_count),
            steps: series.and_then(Series::step_range),
        }
    }
}

/// Draws `view` with `lines` into `area`: the title from `place`, the
/// legend with every line and reference, and a message instead of the
/// plot while no line has a point.
pub(crate) fn render_view(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    view: &ChartView,
    place: ViewPlace,
    lines: &[PlottedLine],
) {
    let inner_width = area.width.saturating_sub(2);
    let mut entries: Vec<LegendEntry> = lines.iter().map(|line| line.legend.clone()).collect();
    entries.extend(view.references.iter().map(|reference| LegendEntry {
        role: Role::Chance,
        name: reference.name.clone(),
        short_name: reference.name.clone(),
        latest: None,
    }));
    let non_finite: u64 = lines.iter().map(|line| line.non_finite).sum();
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .title(chart_heading(view, place, theme, inner_width))
        .title_bottom(chart_legend(&entries, non_finite, theme, inner_width));
    // A double border marks the focus. Not a thick one, because the legend
    // swatches are thick lines.
    if place.focused && !theme.ascii {
        block = block.border_set(border::DOUBLE);
    }

    let steps = lines
        .iter()
        .filter_map(|line| line.steps)
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    if lines.iter().all(|line| line.points.is_empty()) {
        let text = if steps.is_some() && view.log_y {
            "no positive values to plot"
        } else {
            "waiting for data"
        };
        let message = Paragraph::new(text)
            .style(theme.dim())
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(message, area);
        return;
    }

    // Reference lines span the x axis and go first, so that the data lines
    // are drawn over them.
    let [x0, x1] = axis::step_axis(steps).bounds;
    let references: Vec<[(f64, f64); 2]> = view
        .references
        .iter()
        .filter_map(|reference| reference_level(reference.value, view.log_y))
        .map(|level| [(x0, level), (x1, level)])
        .collect();
    let mut plotted: Vec<(Role, &[(f64, f64)])> = references
        .iter()
        .map(|points| (Role::Chance, points.as_slice()))
        .collect();
    plotted.extend(
        lines
            .iter()
            .map(|line| (line.legend.role, line.points.as_slice())),
    );
    render_step_lines(frame, area, block, &plotted, view.log_y, steps, theme);
}

/// Height at which a reference `value` is drawn: `log10(value)` on a log
/// axis. A value that is not finite, or <= 0 on a log axis, is not drawn.
fn reference_level(value: f64, log_y: bool) -> Option<f64> {
    let level = if log_y && value > 0.0 {
        value.log10()
    } else if log_y {
        return None;
    } else {
        value
    };
    level.is_finite().then_some(level)
}
