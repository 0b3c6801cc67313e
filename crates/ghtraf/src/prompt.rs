//! Asking the user, behind a trait.
//!
//! Commands never read stdin themselves: they get a [`Prompter`]. The real one
//! talks to the terminal (stderr for questions, no echo for tokens); tests
//! hand in a [`ScriptedPrompter`] with the answers a person would type, so the
//! interactive paths are tested without a TTY.

use std::collections::VecDeque;
use std::io::{self, BufRead, Write};
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
}

fn interrupted() -> CliError {
    CliError::new(ErrorKind::Interrupted, "no answer (input closed)")
}

/// Prompts on the terminal.
pub struct TerminalPrompter;

impl TerminalPrompter {
    fn ask(&self, question: &str) -> Result<String> {
        let mut err = io::stderr();
        let _ = write!(err, "{question}");
        let _ = err.flush();
        let mut line = String::new();
        let n = io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::runtime(format!("could not read the answer: {e}")))?;
        if n == 0 {
            return Err(interrupted());
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
            eprintln!("{diff}");
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
        let value =
            rpassword::prompt_password(format!("{question}: ")).map_err(|_| interrupted())?;
        Ok(Secret::new(value.trim().to_string()))
    }
}

/// Answers from a script, in order; for tests of the interactive paths.
#[derive(Default)]
pub struct ScriptedPrompter {
    answers: Mutex<VecDeque<String>>,
    asked: Mutex<Vec<String>>,
}

impl ScriptedPrompter {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(answers: I) -> Self {
        ScriptedPrompter {
            answers: Mutex::new(answers.into_iter().map(Into::into).collect()),
            asked: Mutex::new(Vec::new()),
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
        self.answers
            .lock()
            .ok()
            .and_then(|mut a| a.pop_front())
            .ok_or_else(interrupted)
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
}
