//! What a gist looked like when a plan was made, so a write can refuse a gist
//! that changed since.
//!
//! GitHub's `PATCH /gists/{id}` has no conditional form (no `If-Match`), so
//! last writer wins: two `collect` runs that both read the same state each
//! write their own merge, and the slower one drops the other's newer days.
//! A plan therefore records the gist's revision as observed — a SHA-256 of
//! every file's name and content — and the executor re-reads the gist right
//! before writing and stops, writing nothing, when it no longer matches. The
//! window left between that re-read and the PATCH is one request long.

use ghtraf_github::Gist;
use sha2::{Digest, Sha256};

/// The gist's content revision: `sha256:` and the hex digest of each file's
/// name and content (length-prefixed, in name order). Two gists with the same
/// files have the same revision, whatever GitHub's own history says.
pub fn gist_revision(gist: &Gist) -> String {
    let mut hash = Sha256::new();
    for (name, file) in &gist.files {
        for part in [name.as_bytes(), file.content.as_bytes()] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ghtraf_github::GistFile;
    use std::collections::BTreeMap;

    fn gist(files: &[(&str, &str)]) -> Gist {
        Gist {
            id: "g".into(),
            description: "d".into(),
            public: true,
            owner_login: None,
            html_url: String::new(),
            updated_at: String::new(),
            revision: None,
            files: files
                .iter()
                .map(|(n, c)| {
                    (
                        n.to_string(),
                        GistFile {
                            content: c.to_string(),
                            raw_url: None,
                            size: c.len() as u64,
                        },
                    )
                })
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn any_change_of_a_name_or_content_is_a_new_revision() {
        let base = gist_revision(&gist(&[("a", "bc"), ("d", "")]));
        assert!(base.starts_with("sha256:") && base.len() == 7 + 64);
        assert_eq!(base, gist_revision(&gist(&[("d", ""), ("a", "bc")])));
        for other in [
            gist(&[("a", "bc")]),
            gist(&[("ab", "c"), ("d", "")]),
            gist(&[("a", "bc"), ("d", " ")]),
            gist(&[("a", "b"), ("cd", "")]),
        ] {
            assert_ne!(base, gist_revision(&other));
        }
    }
}
