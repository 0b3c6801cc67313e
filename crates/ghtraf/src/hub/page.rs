//! The hub's portfolio page: the files `hub init` deploys under `docs/portfolio/`.
//!
//! The page itself (the `dashboard` templates under `templates/docs/portfolio/`,
//! plus the dashboards' shared `style.css`) is static; only `config.json`
//! is made here, naming the hub's badge gist that holds `portfolio.json`, the
//! same way a dashboard's `config.json` names its gist.

/// Where the page is deployed in the hub checkout.
pub const PAGE_DIR: &str = "docs/portfolio";

macro_rules! page {
    ($name:literal, $source:literal) => {
        ($name, include_str!(concat!("../../templates/", $source)))
    };
}

/// The page's static files: name under [`PAGE_DIR`], text.
pub const PAGE_FILES: &[(&str, &str)] = &[
    page!("index.html", "docs/portfolio/index.html"),
    page!("portfolio.js", "docs/portfolio/portfolio.js"),
    page!("portfolio.css", "docs/portfolio/portfolio.css"),
    page!("README.md", "docs/portfolio/README.md"),
    page!("style.css", "docs/stats/style.css"),
];

/// `config.json` for the page: the hub gist, its owner, and where raw gist
/// files are served (gist.githubusercontent.com, or `{api}/gist-raw` on
/// another API base, as the dashboards do).
pub fn config_json(gist_id: &str, gist_owner: &str, api_base: &str) -> String {
    let raw = if api_base.trim_end_matches('/') == ghtraf_github::DEFAULT_API_URL {
        "https://gist.githubusercontent.com".to_string()
    } else {
        format!("{}/gist-raw", api_base.trim_end_matches('/'))
    };
    let value = serde_json::json!({
        "portfolioGistId": gist_id,
        "gistOwner": gist_owner,
        "gistRawBase": raw,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_names_the_hub_gist() {
        let c: serde_json::Value =
            serde_json::from_str(&config_json("abc", "octo", ghtraf_github::DEFAULT_API_URL))
                .unwrap();
        assert_eq!(c["portfolioGistId"], "abc");
        assert_eq!(c["gistRawBase"], "https://gist.githubusercontent.com");
        let c: serde_json::Value =
            serde_json::from_str(&config_json("abc", "octo", "http://127.0.0.1:9/")).unwrap();
        assert_eq!(c["gistRawBase"], "http://127.0.0.1:9/gist-raw");
        assert!(PAGE_FILES
            .iter()
            .any(|(n, t)| *n == "index.html" && t.contains("config.json")));
    }

    /// The deployed README names only dashboard files `create` deploys (it named
    /// `docs/stats/style.css`, which the one-page dashboard no longer has).
    #[test]
    fn the_readme_names_only_deployed_dashboard_files() {
        let deployed: Vec<&str> = crate::templates::TEMPLATES
            .iter()
            .map(|t| t.path)
            .chain([crate::templates::DASHBOARD_CONFIG_PATH])
            .collect();
        let (_, readme) = PAGE_FILES.iter().find(|(n, _)| *n == "README.md").unwrap();
        for (at, _) in readme.match_indices("docs/stats/") {
            let path: String = readme[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "/._-".contains(*c))
                .collect();
            assert!(deployed.contains(&path.as_str()), "{path} is not deployed");
        }
    }
}
