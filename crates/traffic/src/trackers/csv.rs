//! Reading the CSV files other trackers write: a small RFC 4180 reader (quotes, CRLF, a
//! UTF-8 BOM) and the cell conventions they share. The files are machine-written tables of
//! dates and counts, so this stays a few dozen lines instead of a dependency.

use time::Date;

use crate::dates::parse_bucket;

/// A CSV file split into its header and rows (cells unquoted), with 1-based line numbers.
pub(super) struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Column index of `name`, if the header has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|cell| cell == name)
    }
}

/// Splits `text` into records. A quoted cell may hold commas, doubled quotes and line breaks.
/// Blank lines are skipped. Errors name the line of an unterminated quote.
pub(super) fn read_table(text: &str) -> Result<Table, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records: Vec<(usize, Vec<String>)> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut record_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, other) => {
                if other == '\n' {
                    line += 1;
                }
                cell.push(other);
            }
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') | (false, '\r') => {
                cells.push(std::mem::take(&mut cell));
                push_record(&mut records, record_line, std::mem::take(&mut cells));
                line += 1;
                record_line = line;
            }
            (false, other) => cell.push(other),
        }
    }
    if quoted {
        return Err((record_line, "a quoted cell is not closed".to_string()));
    }
    cells.push(cell);
    push_record(&mut records, record_line, cells);
    let mut records = records.into_iter();
    let header = records
        .next()
        .map(|(_, cells)| cells.into_iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    Ok(Table {
        header,
        rows: records.collect(),
    })
}

fn push_record(records: &mut Vec<(usize, Vec<String>)>, line: usize, cells: Vec<String>) {
    if cells.iter().all(|cell| cell.trim().is_empty()) {
        return;
    }
    records.push((line, cells));
}

/// A day stamp as trackers write it: `2020-12-01`, `2020-12-01T00:00:00Z`,
/// `2020-12-01 00:00:00+00:00` (pandas), `2020-12-01T00:00:00.000Z`. Anything but a UTC
/// midnight is refused: traffic days are UTC buckets.
pub(super) fn parse_day_stamp(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let refuse = || format!("`{text}` is not a day (expected YYYY-MM-DD, at UTC midnight)");
    let (day, rest) = (text.get(..10).ok_or_else(refuse)?, &text[10..]);
    let date = parse_bucket(day).map_err(|_| refuse())?;
    if rest.is_empty() {
        return Ok(date);
    }
    let time = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix(' '))
        .ok_or_else(refuse)?;
    let time = time.strip_prefix("00:00:00").ok_or_else(refuse)?;
    let time = match time.strip_prefix('.') {
        Some(fraction) => fraction.trim_start_matches('0'),
        None => time,
    };
    match time {
        "" | "Z" | "+00:00" | "-00:00" | "+0000" | "+00" => Ok(date),
        _ => Err(refuse()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn quotes_crlf_bom_and_blank_lines() {
        let table =
            read_table("\u{feff}a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n\r\n3,\n\"multi\nline\",4")
                .unwrap();
        assert_eq!(table.header, vec!["a", "b"]);
        assert_eq!(table.rows[0], (2, vec!["x,1".into(), "say \"hi\"".into()]));
        assert_eq!(table.rows[1], (4, vec!["3".into(), String::new()]));
        assert_eq!(table.rows[2].1, vec!["multi\nline".to_string(), "4".into()]);
        assert!(read_table("a\n\"open").is_err());
    }

    #[test]
    fn day_stamps_of_every_tracker() {
        for text in [
            "2020-12-01",
            "2020-12-01T00:00:00Z",
            "2020-12-01 00:00:00+00:00",
            "2020-12-01T00:00:00.000Z",
        ] {
            assert_eq!(parse_day_stamp(text), Ok(date!(2020 - 12 - 01)), "{text}");
        }
        for text in [
            "2020-12-01 05:00:00+00:00",
            "2020-12",
            "12/01/2020",
            "2020-12-01x",
        ] {
            assert!(parse_day_stamp(text).is_err(), "{text}");
        }
    }
}
