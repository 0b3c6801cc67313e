//! The user, repositories and what GitHub shows about them: stars, traffic, popular
//! referrers and paths, releases. Traffic needs push access, as on GitHub.

use super::*;

pub(super) fn user_id(world: &World, login: &str) -> u64 {
    if login == world.user.login {
        world.user.id
    } else {
        1_000_000 + splitmix(login.bytes().fold(0, |acc, b| acc * 31 + u64::from(b))) % 1_000_000
    }
}

pub(super) fn simple_user(base: &str, world: &World, login: &str) -> Value {
    let id = user_id(world, login);
    json!({
        "login": login,
        "id": id,
        "node_id": format!("U_{id}"),
        "avatar_url": format!("{base}/avatars/{login}"),
        "gravatar_id": "",
        "url": format!("{base}/users/{login}"),
        "html_url": format!("{base}/{login}"),
        "repos_url": format!("{base}/users/{login}/repos"),
        "gists_url": format!("{base}/users/{login}/gists{{/gist_id}}"),
        "events_url": format!("{base}/users/{login}/events{{/privacy}}"),
        "followers_url": format!("{base}/users/{login}/followers"),
        "following_url": format!("{base}/users/{login}/following{{/other_user}}"),
        "organizations_url": format!("{base}/users/{login}/orgs"),
        "received_events_url": format!("{base}/users/{login}/received_events"),
        "starred_url": format!("{base}/users/{login}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{base}/users/{login}/subscriptions"),
        "type": "User",
        "site_admin": false,
    })
}

pub(super) fn get_user(state: &mut State, call: &Call<'_>) -> Reply {
    let world = &state.world;
    let login = world.user.login.clone();
    let mut user = simple_user(call.base, world, &login);
    let public_repos = world
        .repos
        .iter()
        .filter(|(key, repo)| key.starts_with(&format!("{login}/")) && !repo.private)
        .count();
    let private_repos = world
        .repos
        .iter()
        .filter(|(key, repo)| key.starts_with(&format!("{login}/")) && repo.private)
        .count();
    let (public_gists, private_gists) = world
        .gists
        .values()
        .filter(|gist| gist.owner == login)
        .fold(
            (0, 0),
            |(p, s), gist| if gist.public { (p + 1, s) } else { (p, s + 1) },
        );
    let extra = json!({
        "name": world.user.name, "company": null, "blog": "", "location": null, "email": null,
        "hireable": null, "bio": null, "twitter_username": null,
        "public_repos": public_repos, "public_gists": public_gists, "followers": 0, "following": 0,
        "created_at": world.user.created_at, "updated_at": world.user.created_at,
        "private_gists": private_gists, "total_private_repos": private_repos,
        "owned_private_repos": private_repos, "disk_usage": 0, "collaborators": 0,
        "two_factor_authentication": true,
    });
    if let (Value::Object(user), Value::Object(extra)) = (&mut user, extra) {
        user.extend(extra);
    }
    reply(200, user)
}

pub(super) fn rate_limit(state: &mut State) -> Reply {
    let used = state.requests_served + 1;
    let reset = OffsetDateTime::now_utc().unix_timestamp() + 3600;
    let core = json!({"limit": RATE_LIMIT, "remaining": RATE_LIMIT.saturating_sub(used), "reset": reset, "used": used, "resource": "core"});
    let search =
        json!({"limit": 30, "remaining": 30, "reset": reset, "used": 0, "resource": "search"});
    reply(
        200,
        json!({"resources": {"core": core, "search": search}, "rate": core}),
    )
}

pub(super) fn repo_json(base: &str, world: &World, full_name: &str, repo: &Repo) -> Value {
    let (owner, name) = full_name.split_once('/').unwrap_or((full_name, ""));
    let api = format!("{base}/repos/{full_name}");
    let stars = repo.stargazers.len();
    let forks = if repo.fork_list.is_empty() {
        repo.forks
    } else {
        repo.fork_list.len() as u64
    };
    json!({
        "id": repo.id,
        "node_id": format!("R_{}", repo.id),
        "name": name,
        "full_name": full_name,
        "owner": simple_user(base, world, owner),
        "private": repo.private,
        "visibility": if repo.private { "private" } else { "public" },
        "html_url": format!("{base}/{full_name}"),
        "description": repo.description,
        "fork": false,
        "url": api,
        "clone_url": format!("{base}/{full_name}.git"),
        "git_url": format!("git://127.0.0.1/{full_name}.git"),
        "ssh_url": format!("git@127.0.0.1:{full_name}.git"),
        "svn_url": format!("{base}/{full_name}"),
        "mirror_url": null,
        "homepage": null,
        "language": repo.language,
        "size": 1024,
        "stargazers_count": stars,
        "watchers_count": stars,
        "watchers": stars,
        "subscribers_count": 3,
        "network_count": forks,
        "forks_count": forks,
        "forks": forks,
        "open_issues_count": repo.open_issues,
        "open_issues": repo.open_issues,
        "default_branch": repo.default_branch,
        "has_issues": true,
        "has_projects": true,
        "has_wiki": true,
        "has_downloads": true,
        "has_discussions": false,
        "has_pages": repo.pages.is_some(),
        "archived": false,
        "disabled": false,
        "license": null,
        "topics": [],
        "created_at": repo.created_at,
        "updated_at": repo.pushed_at,
        "pushed_at": repo.pushed_at,
        "permissions": {
            "admin": repo.permissions.admin,
            "maintain": repo.permissions.admin,
            "push": repo.permissions.push,
            "triage": repo.permissions.push,
            "pull": repo.permissions.pull,
        },
    })
}

pub(super) fn get_repo(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    match state.world.repos.get(&key) {
        Some(repo) => reply(200, repo_json(call.base, &state.world, &key, repo)),
        None => not_found(),
    }
}

/// GitHub pages stargazers only this far (400 pages of 100 = 40,000 stars).
const STARGAZER_PAGE_CAP: usize = 400;

/// Stargazers (with `starred_at` under `application/vnd.github.star+json`), oldest first.
/// Beyond 400 pages GitHub answers 422; a repository whose stargazer list is restricted
/// (GitHub, July 2026: admins and collaborators only) answers 403 to anyone else.
pub(super) fn stargazers(state: &mut State, call: &Call<'_>) -> Reply {
    let Some(repo) = state.world.repos.get(&call.repo_key()) else {
        return not_found();
    };
    if repo.stargazers_restricted && !repo.permissions.push {
        return error(
            403,
            "Listing stargazers is restricted to repository admins and collaborators.",
        );
    }
    let with_dates = call.accept.contains("star+json");
    let world = &state.world;
    paged_range(
        call,
        repo.stargazers.len(),
        100,
        Some(STARGAZER_PAGE_CAP),
        |range| {
            repo.stargazers[range]
                .iter()
                .map(|star| {
                    let user = simple_user(call.base, world, &star.login);
                    if with_dates {
                        json!({"starred_at": star.starred_at, "user": user})
                    } else {
                        user
                    }
                })
                .collect()
        },
    )
}

/// Forks with their `created_at`; `sort=newest` (default), `oldest`, `stargazers`, `watchers`.
pub(super) fn forks(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let Some(repo) = state.world.repos.get(&key) else {
        return not_found();
    };
    let mut list: Vec<&world::Fork> = repo.fork_list.iter().collect();
    match call.query.get("sort").map(String::as_str) {
        Some("oldest") => list.sort_by(|a, b| a.created_at.cmp(&b.created_at)),
        Some("newest") | None => list.sort_by(|a, b| b.created_at.cmp(&a.created_at)),
        Some("stargazers") | Some("watchers") => {}
        Some(_) => return invalid("sort must be newest, oldest, stargazers or watchers"),
    }
    let world = &state.world;
    paged_range(call, list.len(), 100, None, |range| {
        list[range]
            .iter()
            .enumerate()
            .map(|(index, fork)| fork_json(call.base, world, repo, fork, index))
            .collect()
    })
}

fn fork_json(base: &str, world: &World, parent: &Repo, fork: &world::Fork, index: usize) -> Value {
    let (owner, name) = fork
        .full_name
        .split_once('/')
        .unwrap_or((fork.full_name.as_str(), ""));
    let id = parent.id * 1000 + index as u64 + 1;
    let full_name = &fork.full_name;
    json!({
        "id": id, "node_id": format!("R_{id}"), "name": name, "full_name": full_name,
        "owner": simple_user(base, world, owner), "private": false,
        "html_url": format!("{base}/{full_name}"), "description": parent.description,
        "fork": true, "url": format!("{base}/repos/{full_name}"),
        "created_at": fork.created_at, "updated_at": fork.created_at, "pushed_at": fork.created_at,
        "stargazers_count": 0, "watchers_count": 0, "forks_count": 0,
        "default_branch": parent.default_branch,
    })
}

pub(super) fn pushable_repo<'w>(state: &'w State, call: &Call<'_>) -> Result<&'w Repo, Reply> {
    match state.world.repos.get(&call.repo_key()) {
        Some(repo) if repo.permissions.push => Ok(repo),
        Some(_) => Err(error(403, "Must have push access to repository")),
        None => Err(not_found()),
    }
}

pub(super) fn traffic(state: &mut State, call: &Call<'_>, kind: &str) -> Reply {
    let repo = match pushable_repo(state, call) {
        Ok(repo) => repo,
        Err(reply) => return reply,
    };
    let per = call.query.get("per").map(String::as_str).unwrap_or("day");
    if per != "day" && per != "week" {
        return invalid("per must be day or week");
    }
    let today = state.world.today_date();
    let first = today - Duration::days(13);
    let mut buckets: BTreeMap<time::Date, (u64, u64)> = BTreeMap::new();
    for (date_text, day) in &repo.traffic {
        let Some(date) = world::parse_day(date_text) else {
            continue;
        };
        if date < first || date > today {
            continue;
        }
        let bucket = if per == "week" {
            date - Duration::days(i64::from(date.weekday().number_days_from_monday()))
        } else {
            date
        };
        let (count, uniques) = if kind == "clones" {
            (day.clones, day.clone_uniques)
        } else {
            (day.views, day.view_uniques)
        };
        let entry = buckets.entry(bucket).or_default();
        entry.0 += count;
        entry.1 += uniques;
    }
    let total_count: u64 = buckets.values().map(|b| b.0).sum();
    // Distinct visitors over the window overlap across days; GitHub's total is below the sum.
    let total_uniques = buckets
        .values()
        .map(|b| b.1)
        .max()
        .unwrap_or(0)
        .max(buckets.values().map(|b| b.1).sum::<u64>() * 2 / 3);
    let entries: Vec<Value> = buckets
        .into_iter()
        .map(|(date, (count, uniques))| {
            json!({"timestamp": format!("{}T00:00:00Z", world::day(date)), "count": count, "uniques": uniques})
        })
        .collect();
    reply(
        200,
        json!({"count": total_count, "uniques": total_uniques, kind: entries}),
    )
}

pub(super) fn popular(state: &mut State, call: &Call<'_>, referrers: bool) -> Reply {
    let repo = match pushable_repo(state, call) {
        Ok(repo) => repo,
        Err(reply) => return reply,
    };
    let mut items: Vec<(u64, Value)> = if referrers {
        repo.referrers
            .iter()
            .map(|r| {
                (
                    r.count,
                    json!({"referrer": r.referrer, "count": r.count, "uniques": r.uniques}),
                )
            })
            .collect()
    } else {
        repo.paths
            .iter()
            .map(|p| (p.count, json!({"path": p.path, "title": p.title, "count": p.count, "uniques": p.uniques})))
            .collect()
    };
    items.sort_by_key(|item| std::cmp::Reverse(item.0));
    reply(
        200,
        Value::Array(items.into_iter().take(10).map(|(_, v)| v).collect()),
    )
}

pub(super) fn releases(state: &mut State, call: &Call<'_>) -> Reply {
    let key = call.repo_key();
    let Some(repo) = state.world.repos.get(&key) else {
        return not_found();
    };
    let owner = key.split('/').next().unwrap_or_default();
    let author = simple_user(call.base, &state.world, owner);
    let mut list: Vec<&world::Release> = repo.releases.iter().collect();
    list.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    let items = list
        .into_iter()
        .map(|release| {
            let api = format!("{}/repos/{key}/releases/{}", call.base, release.id);
            let assets: Vec<Value> = release
                .assets
                .iter()
                .map(|asset| {
                    json!({
                        "url": format!("{}/repos/{key}/releases/assets/{}", call.base, asset.id),
                        "browser_download_url": format!("{}/{key}/releases/download/{}/{}", call.base, release.tag_name, asset.name),
                        "id": asset.id, "node_id": format!("RA_{}", asset.id), "name": asset.name,
                        "label": null, "state": "uploaded", "content_type": asset.content_type,
                        "size": asset.size, "download_count": asset.download_count,
                        "created_at": release.created_at, "updated_at": release.created_at,
                        "uploader": null,
                    })
                })
                .collect();
            json!({
                "url": api, "html_url": format!("{}/{key}/releases/tag/{}", call.base, release.tag_name),
                "assets_url": format!("{api}/assets"), "upload_url": format!("{api}/assets{{?name,label}}"),
                "tarball_url": format!("{}/repos/{key}/tarball/{}", call.base, release.tag_name),
                "zipball_url": format!("{}/repos/{key}/zipball/{}", call.base, release.tag_name),
                "id": release.id, "node_id": format!("RE_{}", release.id), "tag_name": release.tag_name,
                "target_commitish": repo.default_branch, "name": release.name, "body": null,
                "draft": release.draft, "prerelease": release.prerelease,
                "created_at": release.created_at, "published_at": release.published_at,
                "author": author, "assets": assets,
            })
        })
        .collect();
    paged(call, items, 100)
}
