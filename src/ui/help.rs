//! Help overlay listing every key binding.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;

/// Key bindings and what they do, in the order shown. The 14 rows and the
/// border fill the 16 rows of the smallest terminal the TUI draws in, so a
/// new key has to share a row.
pub const KEY_BINDINGS: [(&str, &str); 14] = [
    ("space", "pause or resume training"),
    ("r", "restart from a new initialisation"),
    (
        "1-9 p",
        "load the bundled preset at that position / the next",
    ),
    ("s [ ]", "cycle scaling / halve, double gamma0 (one run)"),
    ("w W", "halve / double the width (1 to 65536)"),
    ("l", "switch between GD and Langevin"),
    ("+ -", "double / halve the learning rate eta0"),
    ("c", "compare with the other scaling, or leave compare mode"),
    ("o", "show or hide the theory overlays"),
    ("Tab", "focus the next chart (Shift-Tab: previous)"),
    ("m M", "next / previous metric of the focused chart"),
    ("e", "export metrics and charts to a new folder"),
    ("?", "show or hide this help"),
    ("q Esc", "quit (also Ctrl-C); Esc first closes this help"),
];

/// Width of the key column.
const KEY_COLUMN: usize = 8;

/// Draws the help box centred in `area`, clearing what is beneath it.
pub fn render_help(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut lines: Vec<Line> = KEY_BINDINGS
        .iter()
        .map(|(key, description)| {
            Line::from(vec![
                Span::styled(format!(" {key:<KEY_COLUMN$}"), theme.bold()),
                Span::raw(*description),
            ])
        })
        .collect();
    lines.push(Line::from(Span::styled(
        " Every change restarts the run; in compare mode, every run.",
        theme.dim(),
    )));

    let content_width = lines.iter().map(Line::width).max().unwrap_or(0) + 2;
    let width = u16::try_from(content_width)
        .unwrap_or(u16::MAX)
        .min(area.width);
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));

    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .title(Span::styled(" keys ", theme.bold()));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
