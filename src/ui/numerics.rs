//! Numerics line: conditioning of the step-0 NTK and the learning rate
//! against its stability limit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::format_value;
use super::theme::{Role, Theme};
use crate::app::App;

/// Draws the numerics line into `area`. Before the run information arrives
/// it shows a placeholder.
pub fn render_numerics(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let glyphs = theme.glyphs();
    let Some(info) = app.info() else {
        let text = Span::styled("numerics: waiting for the kernels", theme.dim());
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    let numerics = &info.numerics;
    let learning_rate = app.preset().train.learning_rate;
    let limit = numerics.max_stable_learning_rate;
    let unstable = limit.is_finite() && learning_rate > limit;

    let mut spans = vec![
        Span::raw(format!(
            "cond({}) {}",
            glyphs.theta,
            format_value(numerics.ntk_condition)
        )),
        Span::styled(glyphs.separator, theme.dim()),
        Span::raw(format!(
            "{} {}",
            glyphs.lambda_min,
            format_value(numerics.ntk_min_eigenvalue)
        )),
        Span::styled(glyphs.separator, theme.dim()),
        Span::raw(format!("jitter {}", format_value(numerics.jitter))),
        Span::styled(glyphs.separator, theme.dim()),
    ];
    let rate = format!(
        "{} {} (max stable {})",
        glyphs.eta0,
        format_value(learning_rate),
        format_value(limit)
    );
    if unstable {
        spans.push(Span::styled(rate + " unstable", theme.style(Role::Warning)));
    } else {
        spans.push(Span::raw(rate));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::sample_preset;
    use crate::app::fixtures::{app_with_history, buffer_lines, render_with, sample_info};
    use crate::app::{Action, App};
    use crate::ui::ColorDepth;

    const COLOR: Theme = Theme {
        depth: ColorDepth::Ansi16,
        ascii: false,
    };

    fn numerics_line(app: &App) -> (String, ratatui::buffer::Buffer) {
        let buffer = render_with(100, 1, |frame| {
            render_numerics(frame, frame.area(), app, &COLOR);
        });
        (buffer_lines(&buffer)[0].trim_end().to_string(), buffer)
    }

    #[test]
    fn numerics_line_lists_conditioning() {
        let app = app_with_history(sample_info(), 1);
        let (line, _) = numerics_line(&app);
        assert_eq!(
            line,
            "cond(Θ) 1.5e4 │ λmin 2.5e-4 │ jitter 0 │ η0 0.5 (max stable 5)"
        );
    }

    #[test]
    fn numerics_warns_above_stable_rate() {
        let mut app = app_with_history(sample_info(), 1);
        for _ in 0..4 {
            app.update(Action::LearningRateUp);
        }
        let (line, buffer) = numerics_line(&app);
        assert!(line.ends_with("η0 8 (max stable 5) unstable"), "{line}");
        let start = line.chars().position(|c| c == 'η').expect("rate shown");
        let cell = &buffer.content[start];
        assert_eq!(cell.fg, theme_warning_colour());
    }

    fn theme_warning_colour() -> ratatui::style::Color {
        COLOR.style(Role::Warning).fg.expect("colour theme")
    }

    #[test]
    fn numerics_placeholder_before_info() {
        let app = App::new(sample_preset(), Vec::new());
        let (line, _) = numerics_line(&app);
        assert_eq!(line, "numerics: waiting for the kernels");
    }
}
