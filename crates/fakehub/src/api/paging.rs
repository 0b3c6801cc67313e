//! GitHub's pagination: `per_page`/`page`, the `Link` header (`prev`, `next`, `last`,
//! `first`) keeping the caller's parameters, and page caps; lists are sliced before their
//! items are built, so a 40,000-entry list costs one page per request.

use super::*;

/// The page a request asks for: `(page, per_page)`, 1-based, `per_page` capped.
pub(super) fn page_request(call: &Call<'_>, max_per_page: usize) -> (usize, usize) {
    let per_page = call
        .query
        .get("per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, max_per_page);
    let page = call
        .query
        .get("page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    (page, per_page)
}

/// GitHub's `Link` header for `page` of `last` pages (none when there is one page).
pub(super) fn link_header(call: &Call<'_>, page: usize, last: usize) -> Vec<(String, String)> {
    // Like GitHub: keep the caller's parameters in order, replace `page` at the end.
    let kept: Vec<&str> = call
        .raw_query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("page="))
        .collect();
    let link_to = |target: usize| {
        let mut query = kept.clone();
        let page = format!("page={target}");
        query.push(&page);
        format!("<{}{}?{}>", call.base, call.path, query.join("&"))
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", link_to(page - 1)));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", link_to(page + 1)));
        links.push(format!("{}; rel=\"last\"", link_to(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", link_to(1)));
    }
    if links.is_empty() {
        Vec::new()
    } else {
        vec![("Link".to_string(), links.join(", "))]
    }
}

/// Pages over `total` items without building them all: `page_items` gets the index range of
/// the requested page. `max_pages` caps how far a list may be paged, as GitHub does for
/// stargazers (400 pages): beyond it, 422; `rel="last"` never points past it.
pub(super) fn paged_range(
    call: &Call<'_>,
    total: usize,
    max_per_page: usize,
    max_pages: Option<usize>,
    page_items: impl FnOnce(std::ops::Range<usize>) -> Vec<Value>,
) -> Reply {
    let (page, per_page) = page_request(call, max_per_page);
    let mut last = total.div_ceil(per_page).max(1);
    if let Some(cap) = max_pages {
        if page > cap {
            return error(
                422,
                "In order to keep the API fast for everyone, pagination is limited for this resource. Check the rel=last link relation in the Link response header to see how far back you can jump.",
            );
        }
        last = last.min(cap);
    }
    let start = ((page - 1) * per_page).min(total);
    let end = (start + per_page).min(total);
    Reply {
        status: 200,
        body: Some(Value::Array(page_items(start..end))),
        headers: link_header(call, page, last),
    }
}

/// Slices `items` for `per_page`/`page` and builds GitHub's `Link` header.
pub(super) fn paginate(
    call: &Call<'_>,
    items: Vec<Value>,
    max_per_page: usize,
) -> (Vec<Value>, Vec<(String, String)>) {
    let (page, per_page) = page_request(call, max_per_page);
    let last = items.len().div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    (slice, link_header(call, page, last))
}

pub(super) fn paged(call: &Call<'_>, items: Vec<Value>, max_per_page: usize) -> Reply {
    let (page, headers) = paginate(call, items, max_per_page);
    Reply {
        status: 200,
        body: Some(Value::Array(page)),
        headers,
    }
}

pub(super) fn paged_wrapped(
    call: &Call<'_>,
    key: &str,
    items: Vec<Value>,
    max_per_page: usize,
) -> Reply {
    let total = items.len();
    let (page, headers) = paginate(call, items, max_per_page);
    Reply {
        status: 200,
        body: Some(json!({"total_count": total, key: page})),
        headers,
    }
}
