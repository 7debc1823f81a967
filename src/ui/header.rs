//! Header: run settings on the first line, progress, state and the flash
//! message on the second.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::{format_steps, format_value};
use super::theme::{Role, Theme};
use crate::app::App;
use crate::config::types::{Optimizer, Preset};
use crate::train::snapshot::RunState;

/// Formats `gamma` with one decimal between 1 and 10^5 ("64.0"), and with
/// `format_value` elsewhere.
pub fn format_gamma(gamma: f64) -> String {
    if (1.0..1.0e5).contains(&gamma) {
        format!("{gamma:.1}")
    } else {
        format_value(gamma)
    }
}

/// Text of the run state, for example "diverged at step 120: loss is NaN".
pub fn state_text(state: &RunState) -> String {
    match state {
        RunState::Starting => "starting".to_string(),
        RunState::Running => "running".to_string(),
        RunState::Paused => "paused".to_string(),
        RunState::Finished => "finished".to_string(),
        RunState::Diverged { step, reason } => format!("diverged at step {step}: {reason}"),
        RunState::Failed(message) => format!("failed: {message}"),
    }
}

fn state_style(state: &RunState, theme: &Theme) -> ratatui::style::Style {
    match state {
        RunState::Diverged { .. } | RunState::Failed(_) => theme.style(Role::Warning),
        RunState::Paused => theme.style(Role::TrainingPoints),
        _ => theme.style(Role::Network),
    }
}

/// Builds the first header line. `compare` replaces the scaling by the run labels
/// in compare mode.
fn settings_line(
    preset: &Preset,
    edited: bool,
    compare: Option<&[String]>,
    theme: &Theme,
) -> Line<'static> {
    let glyphs = theme.glyphs();
    let separator = || Span::styled(glyphs.separator, theme.dim());
    let model = &preset.model;
    let train = &preset.train;
    let name = if edited {
        format!("{} (edited)", preset.name)
    } else {
        preset.name.clone()
    };
    let mut optimizer = format!(
        "{} {}={}",
        train.optimizer.name(),
        glyphs.eta0,
        format_value(train.learning_rate)
    );
    if train.optimizer == Optimizer::Langevin {
        optimizer.push_str(&format!(" T0={}", format_value(train.temperature)));
    }
    let scaling = match compare {
        Some(labels) => format!("compare {}", labels.join(" vs ")),
        None => format!(
            "{} {}={}",
            model.scaling.name(),
            glyphs.gamma,
            format_gamma(model.gamma())
        ),
    };
    let mut spans = vec![
        Span::styled(name, theme.bold()),
        separator(),
        Span::raw(scaling),
        separator(),
        Span::raw(format!("width {}", model.width)),
    ];
    if model.depth > 1 {
        spans.extend([separator(), Span::raw(format!("depth {}", model.depth))]);
    }
    spans.extend([
        separator(),
        Span::raw(model.activation.name()),
        separator(),
        Span::raw(optimizer),
    ]);
    Line::from(spans)
}

fn progress_line(app: &App, theme: &Theme) -> Line<'static> {
    let glyphs = theme.glyphs();
    let budget = app.preset().train.steps;
    // Compare mode lists each run's step and rate, in run order.
    let steps: Vec<String> = app.runs().iter().map(|r| r.step().to_string()).collect();
    let steps = steps.join(", ");
    let step = if budget > 0 {
        format!("step {steps}/{budget}")
    } else {
        format!("step {steps}")
    };
    let rates: Vec<String> = app
        .runs()
        .iter()
        .map(|r| format_steps(r.steps_per_second()))
        .collect();
    let rate = format!("{} steps/s", rates.join(", "));
    let flash = app.flash();
    let flash_style = if flash.warning {
        theme.style(Role::Warning)
    } else {
        theme.dim()
    };
    let mut spans = vec![
        Span::raw(step),
        Span::styled(glyphs.separator, theme.dim()),
        Span::raw(rate),
        Span::styled(glyphs.separator, theme.dim()),
        Span::styled(state_text(app.state()), state_style(app.state(), theme)),
    ];
    if !flash.text.is_empty() {
        spans.push(Span::styled(glyphs.separator, theme.dim()));
        spans.push(Span::styled(flash.text.clone(), flash_style));
    }
    Line::from(spans)
}

/// Draws the two header lines into `area`, with a help hint at the right
/// end of the first.
pub fn render_header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let labels: Vec<String> = app.runs().iter().map(|r| r.label().to_string()).collect();
    let compare = app.is_comparing().then_some(labels.as_slice());
    let settings = settings_line(app.preset(), app.is_edited(), compare, theme);
    let settings_width = settings.width();
    let lines = vec![settings, progress_line(app, theme)];
    frame.render_widget(Paragraph::new(lines), area);
    let hint =
        Paragraph::new(Span::styled("? help  q quit", theme.dim())).alignment(Alignment::Right);
    let hint_area = Rect { height: 1, ..area };
    // Draw the hint only where it does not cover the settings.
    if usize::from(area.width) >= settings_width + 16 {
        frame.render_widget(hint, hint_area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{buffer_lines, render_with, sample_preset, sample_snapshot};
    use crate::app::{Action, App};
    use crate::ui::ColorDepth;

    const COLOR: Theme = Theme {
        depth: ColorDepth::Ansi16,
        ascii: false,
    };

    fn header_lines(app: &App, width: u16) -> Vec<String> {
        let buffer = render_with(width, 2, |frame| {
            render_header(frame, frame.area(), app, &COLOR);
        });
        buffer_lines(&buffer)
    }

    #[test]
    fn header_shows_settings_and_progress() {
        let mut app = App::new(sample_preset(), Vec::new());
        app.update(Action::Snapshot(
            0,
            Box::new(sample_snapshot(0, None, 0..43)),
        ));
        let lines = header_lines(&app, 100);
        let settings = "rich-1d │ mean-field γ=64.0 │ width 4096 │ relu │ gd η0=0.5 ";
        assert!(lines[0].starts_with(settings), "{}", lines[0]);
        assert!(lines[0].ends_with("? help  q quit"), "{}", lines[0]);
        assert!(
            lines[1].starts_with("step 42/10000 │ 1234 steps/s │ running │ "),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn header_shows_depth_of_deep_network() {
        let mut preset = sample_preset();
        preset.model.depth = 3;
        let app = App::new(preset, Vec::new());
        let lines = header_lines(&app, 100);
        assert!(
            lines[0].contains("│ width 4096 │ depth 3 │ relu │"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn header_marks_edits_and_flash() {
        let mut app = App::new(sample_preset(), Vec::new());
        app.update(Action::WidthHalve);
        let lines = header_lines(&app, 100);
        assert!(lines[0].starts_with("rich-1d (edited) │ "), "{}", lines[0]);
        assert!(lines[0].contains("width 2048"), "{}", lines[0]);
        assert!(lines[1].contains("width 4096 -> 2048"), "{}", lines[1]);
    }

    #[test]
    fn header_langevin_shows_temperature() {
        let mut preset = sample_preset();
        preset.train.optimizer = Optimizer::Langevin;
        let app = App::new(preset, Vec::new());
        let lines = header_lines(&app, 100);
        assert!(lines[0].contains("langevin η0=0.5 T0=0.01"), "{}", lines[0]);
    }

    #[test]
    fn header_shows_divergence() {
        let mut app = App::new(sample_preset(), Vec::new());
        let mut snapshot = sample_snapshot(0, None, 0..13);
        snapshot.state = RunState::Diverged {
            step: 120,
            reason: "loss is NaN".to_string(),
        };
        app.update(Action::Snapshot(0, Box::new(snapshot)));
        let lines = header_lines(&app, 100);
        assert!(
            lines[1].contains("diverged at step 120: loss is NaN"),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn header_hint_hidden_when_narrow() {
        let app = App::new(sample_preset(), Vec::new());
        let lines = header_lines(&app, 60);
        assert!(!lines[0].contains("? help"), "{}", lines[0]);
        assert!(lines[0].starts_with("rich-1d │ mean-field"), "{}", lines[0]);
    }

    #[test]
    fn state_texts() {
        assert_eq!(state_text(&RunState::Starting), "starting");
        assert_eq!(state_text(&RunState::Paused), "paused");
        assert_eq!(state_text(&RunState::Finished), "finished");
        assert_eq!(
            state_text(&RunState::Failed("no data".to_string())),
            "failed: no data"
        );
    }

    #[test]
    fn gamma_formats() {
        assert_eq!(format_gamma(1.0), "1.0");
        assert_eq!(format_gamma(64.0), "64.0");
        assert_eq!(format_gamma(0.125), "0.125");
        assert_eq!(format_gamma(2.0e5), "2e5");
    }
}
