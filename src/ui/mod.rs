//! Panels of the terminal UI, one module each, and the frame layout.
//!
//! Rendering only reads `&App`. Below `MIN_WIDTH` x `MIN_HEIGHT` only the
//! "terminal too small" message is drawn.

pub mod accuracy_view;
pub mod axis;
pub mod capabilities;
pub mod chart_legend;
mod chart_plot;
pub mod chart_views;
pub mod charts;
pub mod compare_charts;
pub mod compare_view;
pub mod format;
pub mod function_view;
pub mod header;
pub mod heat_map;
pub mod help;
pub mod numerics;
pub mod palette;
pub mod theme;
pub mod too_small;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::App;
use crate::app::chart_focus::ChartSlot;
pub use capabilities::ColorDepth;
use chart_legend::ViewPlace;
use chart_views::ChartView;
pub use theme::Theme;

/// Smallest terminal that shows the panels. At 60x16 each metric chart
/// still gets a plot area of two rows.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Draws the whole screen for `app`.
pub fn render(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small::render_too_small(frame, area, MIN_WIDTH, MIN_HEIGHT, theme);
    } else {
        render_panels(frame, area, app, theme);
        if app.show_help() {
            help::render_help(frame, area, theme);
        }
    }
    if theme.ascii {
        replace_non_ascii(frame.buffer_mut());
    }
}

fn render_panels(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [header_area, body, numerics_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render_header(frame, header_area, app, theme);
    numerics::render_numerics(frame, numerics_area, app, theme);

    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    render_main_view(frame, left, app, theme);

    let areas: [Rect; 3] = Layout::vertical([Constraint::Ratio(1, 3); 3]).areas(right);
    render_metric_charts(frame, areas, app, theme);
}

/// Draws the three metric charts, each on the view that the app selected
/// for it. The focus marker appears only on a chart with more than one
/// view, because only there do `m` and `M` do anything.
fn render_metric_charts(frame: &mut Frame, areas: [Rect; 3], app: &App, theme: &Theme) {
    let views: Vec<Vec<ChartView>> = ChartSlot::ALL
        .iter()
        .map(|slot| app.chart_views(*slot))
        .collect();
    let selection = app.chart_selection();
    for ((slot, area), list) in ChartSlot::ALL.into_iter().zip(areas).zip(&views) {
        let index = selection.view_index(slot, list.len());
        let Some(view) = list.get(index) else {
            continue;
        };
        let place = ViewPlace {
            index,
            count: list.len(),
            focused: list.len() > 1 && selection.focus() == slot,
        };
        if app.is_comparing() {
            compare_charts::render_compare_chart(frame, area, app.runs(), theme, view, place);
        } else {
            charts::render_metric_chart(frame, area, app.histories(), theme, view, place);
        }
    }
}

/// Heat map for 2-D inputs, function view for 1-D regression, accuracy
/// view for classification, and a note for other data.
fn render_main_view(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(info) = app.info() else {
        render_note(frame, area, "building the network and the kernels", theme);
        return;
    };
    if let Some(plane) = app.view().and_then(|view| view.plane.as_ref()) {
        heat_map::render_heat_map(frame, area, plane, theme);
    } else if info.is_classification {
        // NOTE: in compare mode this shows the accuracy of run 0 only.
        accuracy_view::render_accuracy_view(frame, area, info, app.histories().accuracy(), theme);
    } else if info.input_dim == 1 && app.is_comparing() {
        compare_view::render_compare_view(frame, area, app.runs(), app.show_overlays(), theme);
    } else if info.input_dim == 1 {
        let overlays = app.show_overlays();
        function_view::render_function_view(frame, area, info, app.view(), overlays, theme);
    } else {
        let note = format!(
            "the function view needs 1-D inputs; this run has {} input dimensions",
            info.input_dim
        );
        render_note(frame, area, &note, theme);
    }
}

fn render_note(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .title(Span::styled(" function ", theme.bold()));
    let paragraph = Paragraph::new(Span::styled(text.to_string(), theme.dim()))
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .block(block);
    frame.render_widget(paragraph, area);
}

/// Replaces the box-drawing characters that ratatui draws itself (chart
/// axes) with ASCII, and any other non-ASCII symbol with `?`.
fn replace_non_ascii(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        let symbol = cell.symbol();
        if symbol.is_ascii() {
            continue;
        }
        let replacement = match symbol {
            "│" | "┃" => "|",
            "─" | "━" => "-",
            "└" | "┌" | "┐" | "┘" | "┼" | "├" | "┤" | "┬" | "┴" => "+",
            _ => "?",
        };
        cell.set_symbol(replacement);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{
        app_with_history, buffer_lines, classification_info, render_buffer, sample_info,
        sample_preset,
    };
    use crate::app::{Action, App};

    const COLOR: Theme = Theme {
        depth: ColorDepth::Ansi16,
        ascii: false,
    };

    fn screen(app: &App, theme: &Theme, width: u16, height: u16) -> String {
        buffer_lines(&render_buffer(app, theme, width, height)).join("\n")
    }

    #[test]
    fn render_80x24_shows_every_panel() {
        let app = app_with_history(sample_info(), 200);
        let text = screen(&app, &COLOR, 80, 24);
        let expected = [
            "rich-1d",
            "mean-field γ=64.0",
            "width 4096",
            "relu",
            "gd η0=0.5",
            "step 1990/10000",
            "running",
            " function ",
            " loss (log) ",
            " change ",
            " kernel ",
            "cond(Θ) 1.5e4",
            "max stable 5",
        ];
        for needle in expected {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn render_panels_do_not_overlap_at_80x24() {
        let app = app_with_history(sample_info(), 200);
        let lines = buffer_lines(&render_buffer(&app, &COLOR, 80, 24));
        // The function view's border and the charts' borders meet at column 40.
        let top = &lines[2];
        assert!(top.starts_with("┌ function "), "{top}");
        assert_eq!(top.chars().nth(39), Some('┐'));
        assert_eq!(top.chars().nth(40), Some('┌'));
        // The last line is the numerics line, not a border.
        assert!(lines[23].starts_with("cond("), "{}", lines[23]);
    }

    #[test]
    fn render_too_small_sizes() {
        let app = app_with_history(sample_info(), 10);
        for (width, height) in [(1, 1), (10, 3), (59, 15), (60, 15), (59, 16)] {
            let text = screen(&app, &COLOR, width, height);
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if width >= 10 {
                assert!(flat.contains("terminal too"), "{width}x{height}: {flat}");
            } else {
                assert_eq!(flat, "t", "{width}x{height}");
            }
            if width >= 59 {
                let expected = format!("need 60x16, have {width}x{height}");
                assert!(flat.contains(&expected), "{width}x{height}: {flat}");
            }
        }
    }

    #[test]
    fn render_minimum_size_shows_panels() {
        let app = app_with_history(sample_info(), 10);
        let text = screen(&app, &COLOR, MIN_WIDTH, MIN_HEIGHT);
        assert!(!text.contains("terminal too small"));
        assert!(text.contains("function"));
    }

    #[test]
    fn render_large_terminal() {
        let app = app_with_history(sample_info(), 5000);
        let text = screen(&app, &COLOR, 240, 70);
        assert!(text.contains("weights W"));
        assert!(text.contains("alignment"));
    }

    #[test]
    fn render_ascii_mode_is_pure_ascii() {
        let theme = Theme {
            depth: ColorDepth::Ansi16,
            ascii: true,
        };
        let app = app_with_history(sample_info(), 200);
        let text = screen(&app, &theme, 100, 30);
        for (row, line) in text.lines().enumerate() {
            assert!(line.is_ascii(), "row {row}: {line}");
            // '?' marks a symbol without an ASCII mapping. Only the header
            // rows contain a literal '?' (the help hint and the flash).
            if row > 1 {
                assert!(!line.contains('?'), "row {row}: {line}");
            }
        }
        assert!(text.contains("gamma=64.0"));
        assert!(
            text.contains("+ function -"),
            "ASCII borders missing:\n{text}"
        );
    }

    #[test]
    fn render_ascii_help_overlay() {
        let theme = Theme {
            depth: ColorDepth::Ansi16,
            ascii: true,
        };
        let mut app = app_with_history(sample_info(), 200);
        app.update(Action::ToggleHelp);
        let text = screen(&app, &theme, 80, 24);
        assert!(text.is_ascii());
        assert!(text.contains("+ keys -"), "{text}");
    }

    #[test]
    fn ascii_replacement_maps_box_drawing() {
        let mut buffer = Buffer::with_lines(["│─└⣿a"]);
        replace_non_ascii(&mut buffer);
        assert_eq!(buffer, Buffer::with_lines(["|-+?a"]));
    }

    #[test]
    fn render_no_color_has_no_colours() {
        let theme = Theme {
            depth: ColorDepth::Monochrome,
            ascii: false,
        };
        let app = app_with_history(sample_info(), 200);
        let buffer = render_buffer(&app, &theme, 80, 24);
        for cell in &buffer.content {
            assert_eq!(cell.fg, ratatui::style::Color::Reset, "{:?}", cell.symbol());
            assert_eq!(cell.bg, ratatui::style::Color::Reset, "{:?}", cell.symbol());
        }
    }

    #[test]
    fn render_help_lists_every_key() {
        let mut app = app_with_history(sample_info(), 10);
        app.update(Action::ToggleHelp);
        let text = screen(&app, &COLOR, 80, 24);
        for (key, description) in help::KEY_BINDINGS {
            assert!(text.contains(key), "key {key}");
            assert!(text.contains(description), "description {description}");
        }
    }

    #[test]
    fn render_help_fits_minimum_size() {
        let mut app = app_with_history(sample_info(), 10);
        app.update(Action::ToggleHelp);
        let text = screen(&app, &COLOR, MIN_WIDTH, MIN_HEIGHT);
        for (key, _) in help::KEY_BINDINGS {
            assert!(text.contains(key), "key {key}");
        }
    }

    #[test]
    fn render_before_run_info() {
        let app = App::new(sample_preset(), Vec::new());
        let text = screen(&app, &COLOR, 80, 24);
        assert!(text.contains("building the network"));
        assert!(text.contains("waiting for data"));
        assert!(text.contains("waiting for the kernels"));
        assert!(text.contains("starting"));
    }

    #[test]
    fn render_classification_shows_accuracy() {
        let app = app_with_history(classification_info(), 100);
        let text = screen(&app, &COLOR, 100, 30);
        assert!(text.contains("test accuracy"));
        assert!(text.contains("NNGP 91.2%"));
        assert!(text.contains("NTK 93.4%"));
        assert!(!text.contains(" function "));
    }

    #[test]
    fn render_multidimensional_regression_note() {
        let info = crate::train::snapshot::RunInfo {
            input_dim: 3,
            ..sample_info()
        };
        let app = app_with_history(info, 10);
        let text = screen(&app, &COLOR, 80, 24);
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("needs 1-D"), "{flat}");
    }

    #[test]
    fn render_resize_sequence() {
        let app = app_with_history(sample_info(), 300);
        let backend = ratatui::backend::TestBackend::new(80, 24);
        let mut terminal = ratatui::Terminal::new(backend).expect("test backend");
        for (width, height) in [(80, 24), (30, 8), (120, 40), (1, 1), (80, 24)] {
            terminal.backend_mut().resize(width, height);
            terminal
                .draw(|frame| render(frame, &app, &COLOR))
                .expect("test backend");
            let area = terminal.backend().buffer().area;
            assert_eq!((area.width, area.height), (width, height));
        }
        let text = buffer_lines(terminal.backend().buffer()).join("\n");
        assert!(text.contains(" kernel "), "{text}");
        assert!(!text.contains("too small"), "{text}");
    }

    #[test]
    fn render_compare_80x24_shows_runs() {
        let app = crate::app::fixtures::compare_app(200);
        let text = screen(&app, &COLOR, 80, 24);
        let expected = [
            "compare mean-field vs standard",
            // Each chart names its metric and view on the top border, with
            // the focus marker on the first, and its runs on the bottom one.
            " ▶ train loss 1/2 (log) ",
            " feature change 1/3 ",
            " kernel distance 1/3 ",
            "━ mean-field 0.245 ━ standard 0.025 ",
            "━ mean-field 0.098 ━ standard 9.8e-3 ",
            " function ",
        ];
        for needle in expected {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn render_compare_uses_series_colours() {
        let app = crate::app::fixtures::compare_app(200);
        let buffer = render_buffer(&app, &COLOR, 120, 40);
        for index in 0..2 {
            let color = crate::ui::palette::series_color(COLOR.depth, index);
            let cells = buffer.content.iter().filter(|c| c.fg == color).count();
            // Each run draws a curve in three charts and the function view.
            assert!(cells > 40, "run {index}: {cells} cells in {color:?}");
        }
    }

    #[test]
    fn render_compare_without_colour_uses_markers() {
        let theme = Theme {
            depth: ColorDepth::Monochrome,
            ascii: false,
        };
        let app = crate::app::fixtures::compare_app(200);
        let text = screen(&app, &theme, 120, 40);
        for index in 0..2 {
            let marker = theme::run_series(index).marker;
            let count = text.chars().filter(|c| *c == marker).count();
            assert!(count > 40, "run {index}: {count} of {marker:?}\n{text}");
        }
        // The legend pairs each marker with the run's label.
        assert!(text.contains("* mean-field"), "{text}");
        assert!(text.contains("# standard"), "{text}");
    }

    #[test]
    fn render_compare_ascii_is_pure_ascii() {
        let theme = Theme {
            depth: ColorDepth::TrueColor,
            ascii: true,
        };
        let app = crate::app::fixtures::compare_app(200);
        let text = screen(&app, &theme, 80, 24);
        assert!(text.is_ascii(), "{text}");
        assert!(text.contains("# standard"), "{text}");
    }

    #[test]
    fn render_overlays_toggle_hides_theory() {
        let theme = Theme {
            depth: ColorDepth::TrueColor,
            ascii: true,
        };
        let mut app = app_with_history(sample_info(), 200);
        // In ASCII mode the linearised network is drawn with '~', a
        // character that nothing else on screen uses.
        let count = |text: &str, marker: char| text.chars().filter(|c| *c == marker).count();
        let shown = screen(&app, &theme, 120, 40);
        assert!(count(&shown, '~') >= 20, "{shown}");
        assert!(shown.contains("NTK"), "{shown}");
        app.update(Action::ToggleOverlays);
        let hidden = screen(&app, &theme, 120, 40);
        assert_eq!(count(&hidden, '~'), 0, "{hidden}");
        assert!(!hidden.contains("NTK"), "{hidden}");
        assert!(!hidden.contains("GP"), "{hidden}");
        assert!(hidden.contains("network"), "{hidden}");
    }
}
