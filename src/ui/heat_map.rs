//! Function view for 2-D inputs: a heat map of the network's decision
//! function on the training grid, with the training points on top.
//!
//! Each terminal cell shows the grid point nearest to its centre, with
//! `x1` to the right and `x2` upward. In colour, positive outputs are red
//! and negative ones blue, brighter with `|f|` up to 1. Without colour the
//! cell's character carries the sign: `+` or `'` for positive (above or
//! below 0.5), `-` or `.` for negative. Training points are `o` for a
//! positive target and `x` otherwise.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use super::theme::Theme;
use crate::train::plane::PlaneView;

/// Draws the decision-function heat map of a 2-D run into `area`.
pub fn render_heat_map(frame: &mut Frame, area: Rect, plane: &PlaneView, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .title(Span::styled(" decision function ", theme.bold()))
        .title_bottom(Span::raw(" o: y > 0  x: y < 0 "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let buffer = frame.buffer_mut();
    draw_cells(buffer, inner, plane, theme);
    draw_points(buffer, inner, plane, theme);
}

fn draw_cells(buffer: &mut Buffer, inner: Rect, plane: &PlaneView, theme: &Theme) {
    let (columns, rows) = (plane.layout.x1.len(), plane.layout.x2.len());
    if columns == 0 || rows == 0 || plane.values.len() != columns * rows {
        return;
    }
    for row in 0..inner.height {
        // Terminal rows grow downward, so the top row shows the largest x2.
        let i = rows - 1 - cell_index(row, inner.height, rows);
        for column in 0..inner.width {
            let j = cell_index(column, inner.width, columns);
            let value = plane.values[i * columns + j];
            if let Some(cell) = buffer.cell_mut((inner.x + column, inner.y + row)) {
                cell.set_symbol(shade_symbol(value, theme));
                cell.set_style(shade_style(value, theme));
            }
        }
    }
}

/// Maps terminal position `position` of `cells` to the nearest of `points`
/// grid points.
fn cell_index(position: u16, cells: u16, points: usize) -> usize {
    let centre = (f64::from(position) + 0.5) / f64::from(cells.max(1));
    ((centre * points as f64) as usize).min(points.saturating_sub(1))
}

fn shade_symbol(value: f64, theme: &Theme) -> &'static str {
    if theme.color() {
        return " ";
    }
    match value {
        v if v.is_nan() => "?",
        v if v > 0.5 => "+",
        v if v > 0.0 => "'",
        v if v < -0.5 => "-",
        _ => ".",
    }
}

fn shade_style(value: f64, theme: &Theme) -> Style {
    if !theme.color() || value.is_nan() {
        return Style::default();
    }
    let strength = value.abs().min(1.0);
    let level = (40.0 + 160.0 * strength) as u8;
    let colour = if value > 0.0 {
        Color::Rgb(level, 30, 30)
    } else {
        Color::Rgb(30, 30, level)
    };
    Style::default().bg(colour)
}

fn draw_points(buffer: &mut Buffer, inner: Rect, plane: &PlaneView, theme: &Theme) {
    let layout = &plane.layout;
    let (Some(x1_range), Some(x2_range)) = (range(&layout.x1), range(&layout.x2)) else {
        return;
    };
    for (x1, x2, y) in &layout.points {
        let (Some(column), Some(row_from_bottom)) = (
            position(*x1, x1_range, inner.width),
            position(*x2, x2_range, inner.height),
        ) else {
            continue;
        };
        let row = inner.height - 1 - row_from_bottom;
        if let Some(cell) = buffer.cell_mut((inner.x + column, inner.y + row)) {
            cell.set_symbol(if *y > 0.0 { "o" } else { "x" });
            if theme.color() {
                cell.set_fg(Color::White);
                cell.modifier.insert(Modifier::BOLD);
            }
        }
    }
}

fn range(axis: &[f64]) -> Option<(f64, f64)> {
    let (first, last) = (*axis.first()?, *axis.last()?);
    (last > first).then_some((first, last))
}

/// Terminal position of `x` along an axis of `cells` cells spanning
/// `range`; `None` outside the range or for NaN.
fn position(x: f64, (low, high): (f64, f64), cells: u16) -> Option<u16> {
    let fraction = (x - low) / (high - low);
    if !(0.0..=1.0).contains(&fraction) {
        return None;
    }
    let index = (fraction * f64::from(cells)) as u16;
    Some(index.min(cells.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{buffer_lines, render_with};
    use crate::train::plane::PlaneLayout;
    use std::sync::Arc;

    const PLAIN: Theme = Theme {
        depth: crate::ui::capabilities::ColorDepth::Monochrome,
        ascii: true,
    };

    /// Builds a 4 x 4 grid on [-1, 1]^2 whose output is `x1` (negative on
    /// the left half, positive on the right), with one point of each class.
    fn plane() -> PlaneView {
        let axis = vec![-1.0, -1.0 / 3.0, 1.0 / 3.0, 1.0];
        let values = (0..16).map(|k| axis[k % 4]).collect();
        PlaneView {
            layout: Arc::new(PlaneLayout {
                x1: axis.clone(),
                x2: axis,
                points: vec![(0.9, 0.9, 1.0), (-0.9, -0.9, -1.0)],
            }),
            values,
        }
    }

    fn render(width: u16, height: u16, theme: &Theme) -> Vec<String> {
        let buffer = render_with(width, height, |frame| {
            render_heat_map(frame, frame.area(), &plane(), theme);
        });
        buffer_lines(&buffer)
    }

    #[test]
    fn heat_map_sign_by_side() {
        let lines = render(80, 24, &PLAIN);
        assert!(lines[0].contains("decision function"), "{}", lines[0]);
        let middle: Vec<char> = lines[12].chars().collect();
        // Inner columns 1..=78: the left quarter shows x1 = -1, the right
        // quarter x1 = +1.
        assert_eq!(middle[2], '-');
        assert_eq!(middle[30], '.');
        assert_eq!(middle[50], '\'');
        assert_eq!(middle[77], '+');
    }

    #[test]
    fn heat_map_points_in_corners() {
        let lines = render(80, 24, &PLAIN);
        // (0.9, 0.9) is 95% of the way up and right: inner row 1 of 22
        // (screen line 2), right of the middle. (-0.9, -0.9) is on screen
        // line 21, left of the middle.
        let top = lines[2].find('o').expect("positive point on line 2");
        assert!(top > 40, "{}", lines[2]);
        let bottom = lines[21].find('x').expect("negative point on line 21");
        assert!(bottom < 40, "{}", lines[21]);
        let points = lines[1..23]
            .iter()
            .map(|line| line.matches(['o', 'x']).count());
        assert_eq!(points.sum::<usize>(), 2);
    }

    #[test]
    fn heat_map_colour_marks_sign() {
        let theme = Theme {
            depth: crate::ui::capabilities::ColorDepth::TrueColor,
            ascii: false,
        };
        let buffer = render_with(40, 12, |frame| {
            render_heat_map(frame, frame.area(), &plane(), &theme);
        });
        let left = buffer.cell((2, 6)).map(|cell| cell.bg);
        let right = buffer.cell((37, 6)).map(|cell| cell.bg);
        assert_eq!(left, Some(Color::Rgb(30, 30, 200)));
        assert_eq!(right, Some(Color::Rgb(200, 30, 30)));
    }

    #[test]
    fn heat_map_tiny_and_mismatched() {
        let _ = render(2, 2, &PLAIN);
        let mut broken = plane();
        broken.values.pop();
        let buffer = render_with(20, 8, |frame| {
            render_heat_map(frame, frame.area(), &broken, &PLAIN);
        });
        assert!(buffer_lines(&buffer)[3].contains(' '));
    }
}
