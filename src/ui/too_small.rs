//! Message drawn instead of the panels when the terminal is too small.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::theme::{Role, Theme};

/// Splits `text` into lines of at most `width` characters, breaking at
/// spaces and cutting words longer than a line. `width` 0 gives no lines.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if width == 0 {
        return lines;
    }
    let mut current = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        let needed = current.chars().count() + usize::from(!current.is_empty()) + word.len();
        if needed > width && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        while word.len() > width {
            lines.push(word.drain(..width).collect());
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.extend(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Draws "terminal too small: need WxH, have wxh", wrapped and centred.
/// Any area works, down to a single cell, where the text is cut off.
pub fn render_too_small(
    frame: &mut Frame,
    area: Rect,
    min_width: u16,
    min_height: u16,
    theme: &Theme,
) {
    if area.is_empty() {
        return;
    }
    let text = format!(
        "terminal too small: need {min_width}x{min_height}, have {}x{}",
        area.width, area.height
    );
    let lines: Vec<Line> = wrap_words(&text, usize::from(area.width))
        .into_iter()
        .map(Line::from)
        .collect();
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    let centred = Rect {
        y: area.y + (area.height - height) / 2,
        height,
        ..area
    };
    let paragraph = Paragraph::new(lines)
        .style(theme.style(Role::Warning))
        .alignment(Alignment::Center);
    frame.render_widget(paragraph, centred);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces() {
        let lines = wrap_words("terminal too small: need 60x16", 12);
        assert_eq!(lines, ["terminal too", "small: need", "60x16"]);
    }

    #[test]
    fn wrap_cuts_long_words() {
        assert_eq!(wrap_words("abcdefg hi", 3), ["abc", "def", "g", "hi"]);
        assert_eq!(wrap_words("abc", 1), ["a", "b", "c"]);
        assert!(wrap_words("abc", 0).is_empty());
    }
}
