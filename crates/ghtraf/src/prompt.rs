//! Asking the user, behind a trait.
//!
//! Commands never read stdin themselves: they get a [`Prompter`]. The real one
//! talks to the terminal (stderr for questions, no echo for tokens); tests
//! hand in a [`ScriptedPrompter`] with the answers a person would type, so the
//! interactive paths are tested without a TTY.

use std::collections::VecDeque;
use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use ghtraf_plan::Secret;

use crate::error::{CliError, ErrorKind, Result};

/// The answer to "overwrite this file?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Yes,
    No,
    /// Yes to this and every later conflict.
    All,
    /// No to this and every later conflict.
    SkipAll,
}

pub trait Prompter: Send + Sync {
    /// A yes/no question; `default` is taken on an empty answer.
    fn confirm(&self, question: &str, default: bool) -> Result<bool>;
    /// A conflict question for one file; `diff` is shown first.
    fn overwrite(&self, path: &str, diff: &str) -> Result<Overwrite>;
    /// A line of text; `default` is taken on an empty answer.
    fn text(&self, question: &str, default: Option<&str>) -> Result<String>;
    /// A value typed without echo.
    fn secret(&self, question: &str) -> Result<Secret>;
    /// Input ended (Ctrl-D) or was interrupted (Ctrl-C) at an earlier
    /// question: the run stops (exit 130) instead of asking again.
    fn input_ended(&self) -> bool {
        false
    }
}

/// The one error for every prompt whose input ended (Ctrl-D) or was
/// interrupted (Ctrl-C): exit 130, as the README says.
fn interrupted() -> CliError {
    CliError::new(ErrorKind::Interrupted, "stopped: input ended at a prompt")
}

/// A conflict's diff as the question shows it: a legend first, since `-`/`+` alone do not
/// say which side is whose.
fn with_legend(diff: &str) -> String {
    format!("(lines with - are your file as it is; lines with + are ghtraf's template)\n{diff}")
}

/// Prompts on the terminal.
#[derive(Default)]
pub struct TerminalPrompter {
    ended: AtomicBool,
}

impl TerminalPrompter {
    fn ended(&self) -> CliError {
        self.ended.store(true, Ordering::SeqCst);
        interrupted()
    }

    fn ask(&self, question: &str) -> Result<String> {
        if self.input_ended() {
            return Err(interrupted());
        }
        let mut err = io::stderr();
        let _ = write!(err, "{question}");
        let _ = err.flush();
        let mut line = String::new();
        let n = io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::runtime(format!("could not read the answer: {e}")))?;
        if n == 0 {
            // The cursor is still after the question.
            let _ = writeln!(err);
            return Err(self.ended());
        }
        Ok(line.trim().to_string())
    }
}

impl Prompter for TerminalPrompter {
    fn confirm(&self, question: &str, default: bool) -> Result<bool> {
        let choices = if default { "[Y/n]" } else { "[y/N]" };
        loop {
            let answer = self.ask(&format!("{question} {choices} "))?;
            match answer.to_ascii_lowercase().as_str() {
                "" => return Ok(default),
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => eprintln!("Please answer y or n."),
            }
        }
    }

    fn overwrite(&self, path: &str, diff: &str) -> Result<Overwrite> {
        if !diff.is_empty() {
            eprintln!("{}", with_legend(diff));
        }
        loop {
            let answer = self.ask(&format!(
                "{path} differs from the template. Overwrite? [y]es / [n]o / [a]ll / [s]kip all: "
            ))?;
            match answer.to_ascii_lowercase().as_str() {
                "y" | "yes" => return Ok(Overwrite::Yes),
                "n" | "no" | "" => return Ok(Overwrite::No),
                "a" | "all" => return Ok(Overwrite::All),
                "s" | "skip-all" | "skip all" => return Ok(Overwrite::SkipAll),
                _ => eprintln!("Please answer y, n, a or s."),
            }
        }
    }

    fn text(&self, question: &str, default: Option<&str>) -> Result<String> {
        let q = match default {
            Some(d) => format!("{question} [{d}]: "),
            None => format!("{question}: "),
        };
        let answer = self.ask(&q)?;
        Ok(match (answer.is_empty(), default) {
            (true, Some(d)) => d.to_string(),
            _ => answer,
        })
    }

    fn secret(&self, question: &str) -> Result<Secret> {
        if self.input_ended() {
            return Err(interrupted());
        }
        let mut err = io::stderr();
        // The question is shown only once the terminal no longer echoes or
        // turns Ctrl-C into a signal: a key pressed as soon as it appears is
        // read as a byte, never a kill with the terminal half set up.
        let typed = hidden::read_line(&format!("{question}: "));
        // The typed Enter was not echoed either.
        let _ = writeln!(err);
        match typed {
            Ok(Some(value)) => Ok(Secret::new(value.trim().to_string())),
            Ok(None) => Err(self.ended()),
            Err(e) => Err(CliError::runtime(format!("could not read the answer: {e}"))),
        }
    }

    fn input_ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
    }
}

/// Reading a line without echo, with the terminal restored on every path.
///
/// The terminal is switched to raw input (no echo, no line editing, no
/// signals) only inside [`hidden::read_line`], and a guard puts the saved
/// settings back when it is dropped — on return, on error and on a panic's
/// unwinding. Ctrl-C arrives as a byte instead of a signal, so it cannot kill
/// the process while echo is off; it ends the prompt like Ctrl-D.
#[cfg(unix)]
pub mod hidden {
    use std::io::{self, Read, Write};

    use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex, Termios};

    /// Saved terminal settings, restored on drop.
    pub struct Restore<F: std::os::fd::AsFd> {
        fd: F,
        saved: Termios,
    }

    impl<F: std::os::fd::AsFd> Restore<F> {
        /// Saves `fd`'s settings, then turns off echo, line editing and
        /// signal keys; the settings come back when the guard is dropped.
        pub fn raw(fd: F) -> io::Result<Restore<F>> {
            let saved = termios::tcgetattr(&fd)?;
            let guard = Restore { fd, saved };
            let mut raw = guard.saved.clone();
            raw.local_modes
                .remove(LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG);
            raw.special_codes[SpecialCodeIndex::VMIN] = 1;
            raw.special_codes[SpecialCodeIndex::VTIME] = 0;
            termios::tcsetattr(&guard.fd, OptionalActions::Flush, &raw)?;
            Ok(guard)
        }
    }

    impl<F: std::os::fd::AsFd> Drop for Restore<F> {
        fn drop(&mut self) {
            let _ = termios::tcsetattr(&self.fd, OptionalActions::Now, &self.saved);
        }
    }

    /// What one typed byte does to the line being read.
    #[derive(Debug, PartialEq, Eq)]
    pub enum Key {
        Char(u8),
        Erase,
        Kill,
        Enter,
        /// Ctrl-C, or Ctrl-D on an empty line.
        End,
        Ignore,
    }

    pub fn key(byte: u8, empty: bool) -> Key {
        match byte {
            b'\r' | b'\n' => Key::Enter,
            0x03 => Key::End,
            0x04 if empty => Key::End,
            0x7f | 0x08 => Key::Erase,
            0x15 => Key::Kill,
            b if b < 0x20 => Key::Ignore,
            b => Key::Char(b),
        }
    }

    /// Shows `prompt` on stderr once echo and signal keys are off, then reads
    /// one line from stdin without echo; `None` when input ended or Ctrl-C.
    pub fn read_line(prompt: &str) -> io::Result<Option<String>> {
        let stdin = io::stdin();
        let _restore = Restore::raw(io::stdin())?;
        let mut err = io::stderr();
        write!(err, "{prompt}")?;
        err.flush()?;
        let mut line: Vec<u8> = Vec::new();
        let mut input = stdin.lock();
        let mut byte = [0u8; 1];
        loop {
            if input.read(&mut byte)? == 0 {
                return Ok(None);
            }
            match key(byte[0], line.is_empty()) {
                Key::Enter => break,
                Key::End => return Ok(None),
                Key::Erase => {
                    // Drop one whole UTF-8 character.
                    while line.pop().is_some_and(|b| b & 0xC0 == 0x80) {}
                }
                Key::Kill => line.clear(),
                Key::Ignore => {}
                Key::Char(b) => line.push(b),
            }
        }
        Ok(Some(String::from_utf8_lossy(&line).into_owned()))
    }
}

#[cfg(not(unix))]
pub mod hidden {
    /// Shows `prompt`, then reads one line without echo; `None` when input ended.
    pub fn read_line(prompt: &str) -> std::io::Result<Option<String>> {
        use std::io::Write;
        let mut err = std::io::stderr();
        write!(err, "{prompt}")?;
        err.flush()?;
        match rpassword::read_password() {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Asks "overwrite?" for each `(path, diff)` in order, before a plan is
/// final: path → overwrite? "all" and "skip all" answer the later ones too.
pub fn ask_overwrites<'a>(
    prompter: &dyn Prompter,
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<std::collections::BTreeMap<String, bool>> {
    let mut answers = std::collections::BTreeMap::new();
    let mut all: Option<bool> = None;
    for (path, diff) in files {
        let yes = match all {
            Some(every) => every,
            None => match prompter.overwrite(path, diff)? {
                Overwrite::Yes => true,
                Overwrite::No => false,
                Overwrite::All => *all.insert(true),
                Overwrite::SkipAll => *all.insert(false),
            },
        };
        answers.insert(path.to_string(), yes);
    }
    Ok(answers)
}

/// Answers from a script, in order; for tests of the interactive paths.
#[derive(Default)]
pub struct ScriptedPrompter {
    answers: Mutex<VecDeque<String>>,
    asked: Mutex<Vec<String>>,
    /// The script ran out: input ended, as Ctrl-D would.
    ended: AtomicBool,
}

impl ScriptedPrompter {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(answers: I) -> Self {
        ScriptedPrompter {
            answers: Mutex::new(answers.into_iter().map(Into::into).collect()),
            asked: Mutex::new(Vec::new()),
            ended: AtomicBool::new(false),
        }
    }

    /// The questions asked so far.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().map(|a| a.clone()).unwrap_or_default()
    }

    fn next(&self, question: &str) -> Result<String> {
        if let Ok(mut asked) = self.asked.lock() {
            asked.push(question.to_string());
        }
        let answer = self.answers.lock().ok().and_then(|mut a| a.pop_front());
        answer.ok_or_else(|| {
            self.ended.store(true, Ordering::SeqCst);
            interrupted()
        })
    }
}

impl Prompter for ScriptedPrompter {
    fn confirm(&self, question: &str, default: bool) -> Result<bool> {
        let a = self.next(question)?;
        Ok(match a.as_str() {
            "" => default,
            other => other.starts_with('y'),
        })
    }

    fn overwrite(&self, path: &str, _diff: &str) -> Result<Overwrite> {
        Ok(match self.next(path)?.as_str() {
            "y" => Overwrite::Yes,
            "a" => Overwrite::All,
            "s" => Overwrite::SkipAll,
            _ => Overwrite::No,
        })
    }

    fn text(&self, question: &str, default: Option<&str>) -> Result<String> {
        let a = self.next(question)?;
        Ok(match (a.is_empty(), default) {
            (true, Some(d)) => d.to_string(),
            _ => a,
        })
    }

    fn secret(&self, question: &str) -> Result<Secret> {
        Ok(Secret::new(self.next(question)?))
    }

    fn input_ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::hidden::{key, Key};

    #[test]
    fn ctrl_c_and_ctrl_d_end_a_hidden_prompt() {
        assert_eq!(key(0x03, false), Key::End, "Ctrl-C ends even mid-line");
        assert_eq!(key(0x04, true), Key::End);
        assert_eq!(key(0x04, false), Key::Ignore, "Ctrl-D mid-line is ignored");
        assert_eq!(key(b'\r', false), Key::Enter);
        assert_eq!(key(0x7f, false), Key::Erase);
        assert_eq!(key(b'a', true), Key::Char(b'a'));
    }
}

#[cfg(test)]
mod legend_tests {
    use super::*;

    #[test]
    fn a_conflict_diff_says_which_side_is_whose() {
        // The diff managed_file makes: the file as it is first, the template second.
        let diff = crate::managed_file::unified_diff("docs/stats/README.md", "mine\n", "ours\n");
        let shown = with_legend(&diff);
        let legend = shown.lines().next().unwrap_or_default();
        assert!(legend.contains("- are your file"), "{shown}");
        assert!(legend.contains("+ are ghtraf's template"), "{shown}");
        assert!(
            shown.contains("-mine") && shown.contains("+ours"),
            "{shown}"
        );
    }
}
