//! One theme of semantic styles; panes never name a colour. `NO_COLOR` selects the mono theme.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeName;

/// Semantic styles used by every pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub tab_active: Style,
    pub tab_inactive: Style,
    pub header: Style,
    pub selected: Style,
    pub border: Style,
    pub good: Style,
    pub warn: Style,
    pub bad: Style,
    pub accent: Style,
    /// The main series of a chart.
    pub series: Style,
    /// A second series (list price beside discounted cost, PRs beside commits).
    pub series_alt: Style,
    pub status_bar: Style,
}

impl Theme {
    /// The theme named in the config (`dark`, `light`, `mono`); `NO_COLOR` forces mono.
    pub fn from_config(name: ThemeName) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::choose(name, no_color)
    }

    /// The theme for a config name when `NO_COLOR` is (or is not) set.
    pub fn choose(name: ThemeName, no_color: bool) -> Theme {
        match name {
            _ if no_color => Theme::mono(),
            ThemeName::Light => Theme::light(),
            ThemeName::Mono => Theme::mono(),
            ThemeName::Dark => Theme::dark(),
        }
    }

    pub fn dark() -> Theme {
        let base = Style::default();
        Theme {
            text: base,
            dim: base.fg(Color::DarkGray),
            title: base.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            tab_active: base
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            tab_inactive: base.fg(Color::Gray),
            header: base.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selected: base.bg(Color::DarkGray).add_modifier(Modifier::BOLD),
            border: base.fg(Color::DarkGray),
            good: base.fg(Color::Green),
            warn: base.fg(Color::Yellow),
            bad: base.fg(Color::Red).add_modifier(Modifier::BOLD),
            accent: base.fg(Color::Magenta),
            series: base.fg(Color::Cyan),
            series_alt: base.fg(Color::Magenta),
            status_bar: base.fg(Color::Gray),
        }
    }

    pub fn light() -> Theme {
        let base = Style::default();
        Theme {
            text: base,
            dim: base.fg(Color::Gray),
            title: base.fg(Color::Blue).add_modifier(Modifier::BOLD),
            tab_active: base
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            tab_inactive: base.fg(Color::DarkGray),
            header: base.fg(Color::Blue).add_modifier(Modifier::BOLD),
            selected: base.bg(Color::Gray).add_modifier(Modifier::BOLD),
            border: base.fg(Color::Gray),
            good: base.fg(Color::Green),
            warn: base.fg(Color::Rgb(160, 110, 0)),
            bad: base.fg(Color::Red).add_modifier(Modifier::BOLD),
            accent: base.fg(Color::Magenta),
            series: base.fg(Color::Blue),
            series_alt: base.fg(Color::Magenta),
            status_bar: base.fg(Color::DarkGray),
        }
    }

    /// No colour at all: emphasis by bold, underline and reverse video only.
    pub fn mono() -> Theme {
        let base = Style::default();
        Theme {
            text: base,
            dim: base,
            title: base.add_modifier(Modifier::BOLD),
            tab_active: base.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            tab_inactive: base,
            header: base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: base.add_modifier(Modifier::REVERSED),
            border: base,
            good: base,
            warn: base.add_modifier(Modifier::BOLD),
            bad: base.add_modifier(Modifier::BOLD),
            accent: base.add_modifier(Modifier::BOLD),
            series: base,
            series_alt: base,
            status_bar: base,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_over_the_configured_theme() {
        assert_eq!(Theme::choose(ThemeName::Dark, true), Theme::mono());
        assert_eq!(Theme::choose(ThemeName::Light, true), Theme::mono());
        assert_eq!(Theme::choose(ThemeName::Light, false), Theme::light());
        assert_eq!(Theme::choose(ThemeName::Dark, false), Theme::dark());
    }

    #[test]
    fn mono_uses_no_colour_at_all() {
        let m = Theme::mono();
        for style in [
            m.text,
            m.dim,
            m.title,
            m.tab_active,
            m.header,
            m.selected,
            m.good,
            m.warn,
            m.bad,
            m.accent,
            m.series,
            m.series_alt,
        ] {
            assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
        }
    }
}
