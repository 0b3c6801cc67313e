//! How an existing text file spells line endings and a byte-order mark, so
//! comparing ignores them and rewriting keeps them.
//!
//! A Windows checkout with `core.autocrlf=true` has every text file with
//! CRLF line endings; editors on any system may add a UTF-8 BOM. Neither
//! changes what the file says, so neither is drift, and a rewrite should not
//! turn every line of a file into a diff. The rule: **the existing file
//! decides** — it shows what this checkout does, which is cheaper and more
//! reliable than re-implementing git's `.gitattributes`/`core.autocrlf`
//! logic. A new file is written with LF and no BOM, which is what git stores
//! and what every checkout setting accepts.

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Line endings and BOM of a text file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextStyle {
    pub bom: bool,
    /// Every line ends with CRLF (a file with mixed endings counts as LF).
    pub crlf: bool,
}

impl TextStyle {
    /// The style of existing bytes (LF, no BOM for `None`: a new file).
    pub fn of(existing: Option<&[u8]>) -> Self {
        let Some(bytes) = existing else {
            return TextStyle::default();
        };
        let body = strip_bom(bytes);
        // The common case, at memchr speed: no CR at all, so no CRLF.
        if !body.contains(&b'\r') {
            return TextStyle {
                bom: body.len() != bytes.len(),
                crlf: false,
            };
        }
        let lf = body.iter().filter(|&&b| b == b'\n').count();
        let crlf = body.windows(2).filter(|w| w == b"\r\n").count();
        TextStyle {
            bom: body.len() != bytes.len(),
            crlf: lf > 0 && crlf == lf,
        }
    }

    /// `text` (whatever its line endings) in this style.
    pub fn apply(&self, text: &str) -> String {
        let lf = text.replace("\r\n", "\n");
        let body = if self.crlf {
            lf.replace('\n', "\r\n")
        } else {
            lf
        };
        if self.bom {
            format!("\u{FEFF}{body}")
        } else {
            body
        }
    }

    /// Whether this is the style of a new file (nothing to convert).
    pub fn is_plain(&self) -> bool {
        *self == TextStyle::default()
    }

    /// A few words for plan descriptions: "CRLF line endings and a BOM".
    pub fn describe(&self) -> String {
        let eol = if self.crlf { "CRLF" } else { "LF" };
        if self.bom {
            format!("{eol} line endings and a UTF-8 BOM")
        } else {
            format!("{eol} line endings")
        }
    }
}

/// `bytes` without a leading UTF-8 BOM.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// The text of `bytes` with the BOM removed and CRLF turned into LF.
pub fn normalized(bytes: &[u8]) -> Vec<u8> {
    let body = strip_bom(bytes);
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\r' && body.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(body[i]);
        i += 1;
    }
    out
}

/// Whether two texts say the same modulo line endings and BOM.
pub fn same_text(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let plain = |x: &[u8]| !x.starts_with(BOM) && !x.contains(&b'\r');
    if plain(a) && plain(b) {
        return false;
    }
    normalized(a) == normalized(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_are_detected() {
        assert_eq!(TextStyle::of(None), TextStyle::default());
        assert_eq!(TextStyle::of(Some(b"a\nb\n")), TextStyle::default());
        let crlf = TextStyle::of(Some(b"a\r\nb\r\n"));
        assert!(crlf.crlf && !crlf.bom);
        let mixed = TextStyle::of(Some(b"a\r\nb\n"));
        assert!(!mixed.crlf, "mixed endings are not CRLF");
        let bom = TextStyle::of(Some(b"\xEF\xBB\xBF{}\r\n"));
        assert!(bom.crlf && bom.bom);
        assert_eq!(bom.describe(), "CRLF line endings and a UTF-8 BOM");
        assert!(!TextStyle::of(Some(b"")).crlf);
    }

    #[test]
    fn apply_converts_both_ways_and_round_trips() {
        let crlf = TextStyle {
            bom: false,
            crlf: true,
        };
        assert_eq!(crlf.apply("a\nb\n"), "a\r\nb\r\n");
        assert_eq!(crlf.apply("a\r\nb\n"), "a\r\nb\r\n");
        assert_eq!(TextStyle::default().apply("a\r\nb\r\n"), "a\nb\n");
        let bom = TextStyle {
            bom: true,
            crlf: false,
        };
        assert_eq!(bom.apply("x\n").as_bytes(), b"\xEF\xBB\xBFx\n");
        let text = "on:\n  push:\n";
        for style in [crlf, bom, TextStyle::default()] {
            let styled = style.apply(text);
            assert_eq!(TextStyle::of(Some(styled.as_bytes())), style);
            assert!(same_text(styled.as_bytes(), text.as_bytes()));
        }
    }

    #[test]
    fn same_text_ignores_endings_and_bom_only() {
        assert!(same_text(b"\xEF\xBB\xBFa\r\nb\r\n", b"a\nb\n"));
        assert!(!same_text(b"a\r\nb\r\n", b"a\nc\n"));
        // A lone CR is content, not a line ending.
        assert!(!same_text(b"a\rb\n", b"ab\n"));
        assert_eq!(strip_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(strip_bom(b"{}"), b"{}");
    }
}
