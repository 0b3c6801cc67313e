//! The one place that writes to the terminal.
//!
//! Plans and results are the command's product and go to stdout; everything
//! else (progress, API traces, hints, warnings, errors) is a diagnostic on
//! stderr. With `--format json`, stdout carries exactly one JSON document.
//!
//! Verbosity follows the original tool's "THAC0" idea with its bugs fixed:
//! every message has a level, the effective level is `#-v − #-Q`, and a message
//! shows when its level is at most the effective level. The levels are chosen
//! so that the quiet axis reads naturally: `-Q` hides hints, `-QQ` leaves
//! warnings and errors, `-QQQ` errors only, `-QQQQ` is silent — and nothing,
//! not even `--show`, breaks through silence. `--show CHANNEL[:LEVEL]` opens
//! one channel further than the global level without flooding the others.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::str::FromStr;
use std::sync::Mutex;

use ghtraf_plan::{Line, LineKind};

/// Message levels (a message shows when `level <= verbose - quiet`).
pub mod level {
    pub const ERROR: i32 = -3;
    pub const WARN: i32 = -2;
    /// The command's own output (plan, results, summaries).
    pub const INFO: i32 = -1;
    pub const HINT: i32 = 0;
    pub const VERBOSE: i32 = 1;
    pub const DEBUG: i32 = 2;
}

/// Named diagnostic channels, selectable with `--show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Api,
    Config,
    Gist,
    Setup,
    General,
    Hint,
    Error,
    Trace,
}

impl Channel {
    pub const ALL: [Channel; 8] = [
        Channel::Api,
        Channel::Config,
        Channel::Gist,
        Channel::Setup,
        Channel::General,
        Channel::Hint,
        Channel::Error,
        Channel::Trace,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Channel::Api => "api",
            Channel::Config => "config",
            Channel::Gist => "gist",
            Channel::Setup => "setup",
            Channel::General => "general",
            Channel::Hint => "hint",
            Channel::Error => "error",
            Channel::Trace => "trace",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Channel::Api => "GitHub API requests: method, path, status, time (-v), retries (-vv)",
            Channel::Config => "where settings came from: flags, .ghtraf.json, environment",
            Channel::Gist => "gist discovery and contents",
            Channel::Setup => "repository setup: variables, secret, files, Pages",
            Channel::General => "progress and notes that fit nowhere else",
            Channel::Hint => "suggestions for what to do next (hidden by -Q)",
            Channel::Error => "errors and warnings",
            Channel::Trace => "internal tracing, off unless asked for (--show trace)",
        }
    }
}

impl FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Channel::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Channel::ALL.iter().map(|c| c.name()).collect();
                format!("unknown channel `{s}` (channels: {})", names.join(", "))
            })
    }
}

/// One `--show CHANNEL[:LEVEL]` request; no level means every level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Show {
    pub channel: Channel,
    pub level: Option<i32>,
}

impl FromStr for Show {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, level) = match s.split_once(':') {
            Some((n, l)) => (
                n,
                Some(
                    l.parse::<i32>()
                        .map_err(|_| format!("`{l}` is not a level (use e.g. api:2)"))?,
                ),
            ),
            None => (s, None),
        };
        Ok(Show {
            channel: name.parse()?,
            level,
        })
    }
}

/// Who sees what.
#[derive(Debug, Clone, Default)]
pub struct Verbosity {
    pub verbose: u8,
    pub quiet: u8,
    pub show: Vec<Show>,
}

impl Verbosity {
    pub fn effective(&self) -> i32 {
        i32::from(self.verbose) - i32::from(self.quiet)
    }

    pub fn silent(&self) -> bool {
        self.quiet >= 4
    }

    /// Whether a message of `level` on `channel` is shown.
    pub fn enabled(&self, channel: Channel, level: i32) -> bool {
        if self.silent() {
            return false;
        }
        let shown = self
            .show
            .iter()
            .filter(|s| s.channel == channel)
            .any(|s| s.level.is_none_or(|max| level <= max));
        if shown {
            return true;
        }
        channel != Channel::Trace && level <= self.effective()
    }

    /// The plan detail level to render: 0, 1 or 2.
    pub fn plan_level(&self) -> i32 {
        self.effective().clamp(0, 2)
    }
}

/// Colour decision for one stream.
pub fn color_enabled(no_color_flag: bool, env: &dyn Fn(&str) -> Option<String>, tty: bool) -> bool {
    if no_color_flag || env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    tty
}

fn paint(kind: LineKind, text: &str) -> String {
    let code = match kind {
        LineKind::Heading | LineKind::Summary => "1",
        LineKind::Add | LineKind::Ok => "32",
        LineKind::Change | LineKind::Ask | LineKind::Warning => "33",
        LineKind::Remove | LineKind::Failed | LineKind::Deviation => "31",
        LineKind::Unchanged | LineKind::Skipped | LineKind::Detail => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Output format of the command's product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Writes product and diagnostics; shared by all threads of a command.
pub struct Reporter {
    verbosity: Verbosity,
    format: Format,
    color_out: bool,
    color_err: bool,
    out: Mutex<Box<dyn Write + Send>>,
    err: Mutex<Box<dyn Write + Send>>,
    /// Draw progress bars (stderr is a terminal and nobody asked for quiet).
    progress: bool,
    /// The command, named in every JSON document's envelope.
    command: Option<String>,
    /// Wrap product lines to this many columns (stdout is a terminal).
    width: Option<usize>,
}

impl Reporter {
    pub fn new(
        verbosity: Verbosity,
        format: Format,
        color_out: bool,
        color_err: bool,
        out: Box<dyn Write + Send>,
        err: Box<dyn Write + Send>,
    ) -> Self {
        Reporter {
            verbosity,
            format,
            color_out,
            color_err,
            out: Mutex::new(out),
            err: Mutex::new(err),
            progress: false,
            command: None,
            width: None,
        }
    }

    /// Wraps product lines to `columns` (when stdout is a terminal; a pipe
    /// keeps whole lines for tools that read them).
    pub fn with_width(mut self, columns: Option<usize>) -> Self {
        self.width = columns.map(|c| c.max(40));
        self
    }

    /// The width of the terminal on stdout, at most 100 columns, if it is one.
    pub fn terminal_width() -> Option<usize> {
        terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| usize::from(w.0).min(100))
    }

    /// Names the command every JSON document is about (`"command"` in the envelope).
    pub fn with_command(mut self, command: Option<&str>) -> Self {
        self.command = command.map(str::to_string);
        self
    }

    /// Enables progress bars; the caller knows whether stderr is a terminal.
    pub fn with_progress(mut self, stderr_is_terminal: bool) -> Self {
        self.progress = stderr_is_terminal
            && self.format == Format::Text
            && self.verbosity.enabled(Channel::General, level::INFO);
        self
    }

    /// A one-line progress bar on stderr, redrawn in place; cleared when done.
    pub fn progress(&self, done: usize, total: usize, what: &str) {
        if !self.progress || total == 0 {
            return;
        }
        if let Ok(mut err) = self.err.lock() {
            if done >= total {
                let _ = write!(err, "\r\x1b[2K");
            } else {
                let width = 24;
                let filled = done * width / total;
                let _ = write!(
                    err,
                    "\r\x1b[2K[{}{}] {done}/{total} {what}",
                    "#".repeat(filled),
                    " ".repeat(width - filled)
                );
            }
            let _ = err.flush();
        }
    }

    /// A reporter on the process's stdout/stderr with colours decided from the environment.
    pub fn stdio(verbosity: Verbosity, format: Format, no_color: bool) -> Self {
        let env = |k: &str| std::env::var(k).ok();
        let color_out = color_enabled(no_color, &env, io::stdout().is_terminal());
        let color_err = color_enabled(no_color, &env, io::stderr().is_terminal());
        Reporter::new(
            verbosity,
            format,
            color_out,
            color_err,
            Box::new(io::stdout()),
            Box::new(io::stderr()),
        )
    }

    pub fn verbosity(&self) -> &Verbosity {
        &self.verbosity
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn json_mode(&self) -> bool {
        self.format == Format::Json
    }

    fn write_err(&self, text: &str) {
        if let Ok(mut err) = self.err.lock() {
            // A closed stderr must not turn into a panic.
            let _ = writeln!(err, "{text}");
        }
    }

    fn write_out(&self, text: &str) {
        if let Ok(mut out) = self.out.lock() {
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
        }
    }

    /// A diagnostic on stderr.
    pub fn diag(&self, channel: Channel, level: i32, message: &str) {
        if self.verbosity.enabled(channel, level) {
            let text = if self.verbosity.show.iter().any(|s| s.channel == channel)
                && channel != Channel::Error
            {
                format!("[{}] {message}", channel.name())
            } else {
                message.to_string()
            };
            self.write_err(&text);
        }
    }

    pub fn error(&self, message: &str, hints: &[String]) {
        if self.verbosity.enabled(Channel::Error, level::ERROR) {
            let head = if self.color_err {
                paint(LineKind::Failed, "error:")
            } else {
                "error:".to_string()
            };
            self.write_err(&format!("{head} {message}"));
            for h in hints {
                self.write_err(&format!("  hint: {h}"));
            }
        }
    }

    pub fn warn(&self, message: &str) {
        if self.verbosity.enabled(Channel::Error, level::WARN) {
            let head = if self.color_err {
                paint(LineKind::Warning, "warning:")
            } else {
                "warning:".to_string()
            };
            self.write_err(&format!("{head} {message}"));
        }
    }

    pub fn hint(&self, message: &str) {
        self.diag(Channel::Hint, level::HINT, &format!("hint: {message}"));
    }

    /// Whether product text (plans, results) is printed at all: text mode, not quieted.
    pub fn shows_product(&self) -> bool {
        !self.json_mode() && self.verbosity.enabled(Channel::General, level::INFO)
    }

    /// Rendered product lines on stdout (text mode only; JSON mode prints one document).
    pub fn lines(&self, lines: &[Line]) {
        if self.json_mode() || !self.verbosity.enabled(Channel::General, level::INFO) {
            return;
        }
        let mut text = String::new();
        for line in lines {
            let rows = match self.width {
                Some(w) => wrap(&line.text, w),
                None => vec![line.text.clone()],
            };
            for row in rows {
                if self.color_out {
                    let _ = writeln!(text, "{}", paint(line.kind, &row));
                } else {
                    let _ = writeln!(text, "{row}");
                }
            }
        }
        self.write_out(text.trim_end_matches('\n'));
    }

    /// Plain product text on stdout (text mode only).
    pub fn say(&self, text: &str) {
        if !self.json_mode() && self.verbosity.enabled(Channel::General, level::INFO) {
            self.write_out(text);
        }
    }

    /// Text exactly as given on stdout, whatever the format (completions, man page).
    pub fn raw(&self, text: &str) {
        if let Ok(mut out) = self.out.lock() {
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    }

    /// The JSON document on stdout (JSON mode only), in the one envelope
    /// every document shares (see [`envelope`]). Always printed: it is what
    /// was asked for.
    pub fn json<T: serde::Serialize + ?Sized>(&self, value: &T) {
        if self.json_mode() {
            let value = serde_json::to_value(value).unwrap_or_default();
            let doc = envelope(self.command.as_deref().unwrap_or("ghtraf"), value);
            let text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
            self.write_out(&text);
        }
    }
}

/// Breaks `line` at spaces into rows of at most `width` columns; rows after
/// the first are indented 4 columns past the line's own indent. A word longer
/// than a row (a URL) stays whole.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let indent = line.len() - line.trim_start().len();
    let lead = " ".repeat(indent + 4);
    let mut rows = Vec::new();
    let mut row = line[..indent].to_string();
    let mut empty = true;
    for word in line[indent..].split(' ') {
        let len = row.chars().count();
        if !empty && len + 1 + word.chars().count() > width {
            let done = std::mem::replace(&mut row, lead.clone());
            rows.push(done.trim_end().to_string());
            empty = true;
        }
        if !empty {
            row.push(' ');
        }
        row.push_str(word);
        empty = false;
    }
    rows.push(row);
    rows
}

/// The version of the JSON envelope (and of the plan format inside it).
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Every `--format json` document is an object that opens with
/// `format_version` and `command`; a list (`list`'s repositories, `export`'s
/// days) is held under a named key. Documented in docs/output.md, with the
/// JSON Schema docs/output.schema.json.
pub fn envelope(command: &str, value: serde_json::Value) -> serde_json::Value {
    let mut doc = serde_json::Map::new();
    match value {
        serde_json::Value::Object(mut body) => {
            let version = body
                .remove("format_version")
                .unwrap_or_else(|| JSON_FORMAT_VERSION.into());
            body.remove("command");
            doc.insert("format_version".into(), version);
            doc.insert("command".into(), command.into());
            doc.extend(body);
        }
        other => {
            doc.insert("format_version".into(), JSON_FORMAT_VERSION.into());
            doc.insert("command".into(), command.into());
            let key = match command {
                "list" => "repositories",
                "export" => "days",
                _ => "items",
            };
            doc.insert(key.into(), other);
        }
    }
    serde_json::Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(verbose: u8, quiet: u8, show: &[&str]) -> Verbosity {
        Verbosity {
            verbose,
            quiet,
            show: show.iter().map(|s| s.parse().unwrap()).collect(),
        }
    }

    #[test]
    fn long_lines_wrap_under_their_indent_and_keep_long_words() {
        let line = format!("  DEVIATION id  {}", "word ".repeat(30).trim_end());
        let rows = wrap(&line, 40);
        assert!(rows.len() > 1);
        assert!(rows.iter().all(|r| r.chars().count() <= 40), "{rows:?}");
        assert!(rows[1].starts_with("      word"), "{rows:?}");
        assert!(rows.iter().all(|r| !r.ends_with(' ')), "{rows:?}");
        let aligned = wrap(
            &format!("  OK  id{}  {}", " ".repeat(30), "x".repeat(20)),
            40,
        );
        assert_eq!(aligned[0], "  OK  id", "no trailing padding: {aligned:?}");
        assert_eq!(
            rows.join(" ").split_whitespace().count(),
            line.split_whitespace().count()
        );
        let url = format!("see https://example.com/{}", "x".repeat(60));
        assert_eq!(
            wrap(&url, 40),
            [
                "see",
                &format!("    https://example.com/{}", "x".repeat(60))
            ]
        );
        assert_eq!(wrap("short", 40), ["short"]);
    }

    #[test]
    fn quiet_axis() {
        let normal = v(0, 0, &[]);
        assert!(normal.enabled(Channel::Hint, level::HINT));
        assert!(!normal.enabled(Channel::Api, level::VERBOSE));
        let q1 = v(0, 1, &[]);
        assert!(!q1.enabled(Channel::Hint, level::HINT));
        assert!(q1.enabled(Channel::General, level::INFO));
        let q2 = v(0, 2, &[]);
        assert!(!q2.enabled(Channel::General, level::INFO));
        assert!(q2.enabled(Channel::Error, level::WARN));
        let q3 = v(0, 3, &[]);
        assert!(!q3.enabled(Channel::Error, level::WARN));
        assert!(q3.enabled(Channel::Error, level::ERROR));
        let q4 = v(0, 4, &["api", "error"]);
        assert!(!q4.enabled(Channel::Error, level::ERROR));
        assert!(
            !q4.enabled(Channel::Api, level::INFO),
            "nothing breaks silence"
        );
    }

    #[test]
    fn verbose_minus_quiet() {
        assert_eq!(v(2, 1, &[]).effective(), 1);
        assert!(v(2, 1, &[]).enabled(Channel::Api, level::VERBOSE));
        assert!(!v(2, 1, &[]).enabled(Channel::Api, level::DEBUG));
    }

    #[test]
    fn show_opens_one_channel() {
        let s = v(0, 0, &["api:1"]);
        assert!(s.enabled(Channel::Api, level::VERBOSE));
        assert!(!s.enabled(Channel::Api, level::DEBUG));
        assert!(!s.enabled(Channel::Gist, level::VERBOSE));
        let bare = v(0, 0, &["api"]);
        assert!(
            bare.enabled(Channel::Api, 9),
            "a bare channel shows all its levels"
        );
    }

    #[test]
    fn trace_is_opt_in() {
        assert!(!v(5, 0, &[]).enabled(Channel::Trace, level::VERBOSE));
        assert!(v(0, 0, &["trace"]).enabled(Channel::Trace, level::DEBUG));
    }

    #[test]
    fn show_parse_errors_are_clear() {
        assert!("nope"
            .parse::<Show>()
            .unwrap_err()
            .contains("channels: api"));
        assert!("api:x".parse::<Show>().unwrap_err().contains("not a level"));
    }

    #[test]
    fn colour_rules() {
        let none = |_: &str| None;
        assert!(color_enabled(false, &none, true));
        assert!(!color_enabled(true, &none, true));
        let no_color = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
        assert!(!color_enabled(false, &no_color, true));
        let force = |k: &str| (k == "CLICOLOR_FORCE").then(|| "1".to_string());
        assert!(color_enabled(false, &force, false));
        let both = |_: &str| Some("1".to_string());
        assert!(
            !color_enabled(false, &both, true),
            "NO_COLOR wins over CLICOLOR_FORCE"
        );
    }
}
