//! Lists that span pages. GitHub's REST pages are numbered, and the first page's
//! `Link: rel="last"` says how many there are, so pages 2..N are fetched at once (bounded by
//! [`crate::ClientConfig::page_fan_out`]) instead of one round trip after another: 400 pages
//! of stargazers at 50 ms latency take about 25 round trips instead of 400, and `create`
//! keeps its round-trip count on an account with hundreds of gists. Lists without a
//! `rel="last"` (or a last link that is not a numbered page of the same list) are followed
//! by `rel="next"`, one page after another, as before.
//!
//! A caller that expects a long list and cannot afford the round trip that learns its length
//! (`create` reads the whole gist list before it plans) asks for the first pages at once,
//! before any answer: [`Client::get_all_at_once`]. Pages past the end come back empty and are
//! dropped; only a list longer than the guess costs the second round trip.

use super::*;

/// One page's items, decoded from a bare array or from `items_key` of a wrapped answer.
fn page_items<T: DeserializeOwned>(
    client: &Client,
    request: &str,
    body: &str,
    items_key: Option<&str>,
) -> Result<Vec<T>, Error> {
    let page: Value = client.decode(request, body)?;
    let list = match items_key {
        Some(key) => page.get(key).cloned().unwrap_or(Value::Null),
        None => page,
    };
    serde_json::from_value(list).map_err(|e| Error::decode(request, e))
}

/// What a paged read brought back.
pub(crate) struct Paged<T> {
    pub items: Vec<T>,
    /// The number of the last page GitHub offered (1 for a single page).
    pub last_page: usize,
}

impl Client {
    /// Every item of a list, all pages; `items_key` names the array inside wrapped answers
    /// (`{"total_count":..,"variables":[..]}`), None for bare arrays.
    pub(super) fn get_all<T: DeserializeOwned + Send>(
        &self,
        first_path: &str,
        items_key: Option<&str>,
    ) -> Result<Vec<T>, Error> {
        self.get_all_as(first_path, items_key, JSON)
            .map(|paged| paged.items)
    }

    /// [`Client::get_all`] asking for the `accept` media type, telling how many pages there were.
    pub(super) fn get_all_as<T: DeserializeOwned + Send>(
        &self,
        first_path: &str,
        items_key: Option<&str>,
        accept: &str,
    ) -> Result<Paged<T>, Error> {
        let request = format!("GET {first_path}");
        let mut first =
            self.execute_as("GET", Target::Api(first_path), None, Retry::Safe, accept)?;
        let mut items: Vec<T> = page_items(self, &request, &first.body, items_key)?;
        let (Some(next), Some(last)) = (first.next.take(), first.last.take()) else {
            return self.follow(first, items, request, items_key, accept);
        };
        let (Some(2), Some(last_page)) = (page_number(&next), page_number(&last)) else {
            first.next = Some(next);
            return self.follow(first, items, request, items_key, accept);
        };
        if last_page > MAX_PAGES {
            return Err(Error::decode(&request, "the list claims too many pages"));
        }
        self.check_origin(&request, &last)?;
        items.extend(self.pages_of::<T>(&last, 2..=last_page, items_key, accept)?);
        Ok(Paged { items, last_page })
    }

    /// Pages `range` of the list whose `rel="last"` link is `last`, fetched at once (bounded by
    /// the fan-out), their items in page order.
    fn pages_of<T: DeserializeOwned + Send>(
        &self,
        last: &str,
        range: std::ops::RangeInclusive<usize>,
        items_key: Option<&str>,
        accept: &str,
    ) -> Result<Vec<T>, Error> {
        let pages: Vec<usize> = range.collect();
        let fetched = crate::fan_out(&pages, self.config.page_fan_out, |page| {
            let url = with_page(last, *page);
            let shown = format!("GET {}", self.resolve(&Target::Next(&url)).1);
            let answer = self.execute_as("GET", Target::Next(&url), None, Retry::Safe, accept)?;
            page_items::<T>(self, &shown, &answer.body, items_key)
        });
        let mut items = Vec::new();
        for page in fetched {
            items.extend(page?);
        }
        Ok(items)
    }

    /// [`Client::get_all`] that asks for pages 1..=`guess` at once, before the first answer
    /// says how many there are: a list of up to `guess` pages takes one round trip instead of
    /// two, at the cost of an empty answer for each page past its end. Pages beyond the guess
    /// are then fetched at once from the first page's `rel="last"`. Without a usable
    /// `rel="last"` the guessed pages are dropped (the server may not number its pages) and
    /// the list is followed by `rel="next"` from the first page.
    pub(super) fn get_all_at_once<T: DeserializeOwned + Send>(
        &self,
        first_path: &str,
        items_key: Option<&str>,
        guess: usize,
    ) -> Result<Vec<T>, Error> {
        let guess = guess.clamp(1, MAX_PAGES);
        if guess == 1 {
            return self.get_all(first_path, items_key);
        }
        let request = format!("GET {first_path}");
        let join = if first_path.contains('?') { '&' } else { '?' };
        let pages: Vec<usize> = (1..=guess).collect();
        let mut answers = crate::fan_out(&pages, self.config.page_fan_out, |page| {
            let path = match page {
                1 => first_path.to_string(),
                n => format!("{first_path}{join}page={n}"),
            };
            self.execute_as("GET", Target::Api(&path), None, Retry::Safe, JSON)
                .map(|answer| (path, answer))
        })
        .into_iter();
        let Some(first) = answers.next() else {
            return Err(Error::decode(&request, "no page was fetched"));
        };
        let (_, mut first) = first?;
        let mut items: Vec<T> = page_items(self, &request, &first.body, items_key)?;
        let (Some(next), Some(last)) = (first.next.take(), first.last.take()) else {
            // One page (no `next`), or pages that are only linked one to the next.
            return self
                .follow(first, items, request, items_key, JSON)
                .map(|paged| paged.items);
        };
        let (Some(2), Some(last_page)) = (page_number(&next), page_number(&last)) else {
            first.next = Some(next);
            return self
                .follow(first, items, request, items_key, JSON)
                .map(|paged| paged.items);
        };
        if last_page > MAX_PAGES {
            return Err(Error::decode(&request, "the list claims too many pages"));
        }
        self.check_origin(&request, &last)?;
        // Pages 2..=min(guess, last) were already asked for; later ones are not needed.
        for answer in answers.take(last_page.saturating_sub(1)) {
            let (path, answer) = answer?;
            items.extend(page_items::<T>(
                self,
                &format!("GET {path}"),
                &answer.body,
                items_key,
            )?);
        }
        if last_page > guess {
            items.extend(self.pages_of::<T>(&last, guess + 1..=last_page, items_key, JSON)?);
        }
        Ok(items)
    }

    /// Follows `rel="next"` one page after another.
    fn follow<T: DeserializeOwned>(
        &self,
        mut answer: Answer,
        mut items: Vec<T>,
        mut request: String,
        items_key: Option<&str>,
        accept: &str,
    ) -> Result<Paged<T>, Error> {
        for page in 1..MAX_PAGES {
            let Some(next) = answer.next.take() else {
                return Ok(Paged {
                    items,
                    last_page: page,
                });
            };
            self.check_origin(&request, &next)?;
            answer = self.execute_as("GET", Target::Next(&next), None, Retry::Safe, accept)?;
            request = format!("GET {}", self.resolve(&Target::Next(&next)).1);
            items.extend(page_items::<T>(self, &request, &answer.body, items_key)?);
        }
        Err(Error::decode(&request, "pagination did not end"))
    }

    /// Pagination links must stay on the API's origin (the token goes with them).
    fn check_origin(&self, request: &str, url: &str) -> Result<(), Error> {
        if split_origin(url).is_none_or(|(origin, _)| origin != self.origin) {
            return Err(Error::decode(
                request,
                "a pagination link pointed to another host",
            ));
        }
        Ok(())
    }
}
