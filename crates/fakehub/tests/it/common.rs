//! Shared HTTP helpers for fakehub's integration tests: a proxy-free ureq agent and a
//! call function that returns status, headers and body whatever the status.

use serde_json::Value;

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().try_proxy_from_env(false).build()
}

fn collect(response: ureq::Response) -> Reply {
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .map(|name| {
            let value = response.header(&name).unwrap_or_default().to_string();
            (name, value)
        })
        .collect();
    Reply {
        status,
        headers,
        text: response.into_string().unwrap_or_default(),
    }
}

/// Sends a request with GitHub's usual headers; `token` None sends no Authorization.
pub fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<Reply, Box<ureq::Transport>> {
    let mut request = agent
        .request(method, url)
        .set("User-Agent", "fakehub-tests/1")
        .set("Accept", "application/vnd.github+json");
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let result = match body {
        Some(body) => request.send_json(body.clone()),
        None => request.call(),
    };
    match result {
        Ok(response) => Ok(collect(response)),
        Err(ureq::Error::Status(_, response)) => Ok(collect(response)),
        Err(ureq::Error::Transport(transport)) => Err(Box::new(transport)),
    }
}

/// A request that must reach the server and get an HTTP answer.
pub fn call(base: &str, method: &str, path: &str, body: Option<Value>) -> Reply {
    send(
        &agent(),
        method,
        &format!("{base}{path}"),
        Some("t"),
        body.as_ref(),
    )
    .unwrap_or_else(|e| panic!("{method} {path}: transport error {e}"))
}
