//! `GET /api/analytics/projects`: counted sessions grouped by `projectPath`.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::api::ProjectUsage;
use crate::money::usd;
use crate::query::scope::{Scope, UsageSum};
use crate::time::{Millis, format_utc};

#[derive(Default)]
struct Project<'a> {
    sessions: u64,
    last_activity: Millis,
    usage: UsageSum,
    models: BTreeMap<&'a str, u64>,
}

/// One row per project, costliest first.
pub fn projects(scope: &Scope<'_>) -> Vec<ProjectUsage> {
    let mut projects: BTreeMap<&str, Project<'_>> = BTreeMap::new();
    for session in scope.sessions() {
        let project = projects.entry(&session.session.project_path).or_default();
        project.sessions += 1;
        project.last_activity = project.last_activity.max(session.end());
    }
    for response in scope.responses() {
        let path = scope.session_of(response).session.project_path.as_ref();
        if let Some(project) = projects.get_mut(path) {
            project.usage.add(response);
            let cost = project.models.entry(&response.model).or_default();
            *cost = cost.saturating_add(response.cost);
        }
    }
    let mut rows: Vec<(u64, ProjectUsage)> = projects
        .into_iter()
        .map(|(path, p)| {
            let mut models: Vec<(&str, u64)> = p.models.into_iter().collect();
            models.sort_by_key(|(model, cost)| (Reverse(*cost), *model));
            let t = p.usage.tokens;
            let row = ProjectUsage {
                project_path: path.to_owned(),
                sessions: p.sessions,
                responses: p.usage.responses,
                cost: usd(p.usage.cost),
                input_tokens: t.input,
                output_tokens: t.output,
                cache_creation_tokens: t.cache_creation,
                cache_read_tokens: t.cache_read,
                tokens_with_cache: t.with_cache(),
                last_activity: format_utc(p.last_activity),
                models: models.into_iter().map(|(m, _)| m.to_owned()).collect(),
            };
            (p.usage.cost, row)
        })
        .collect();
    rows.sort_by(|a, b| (Reverse(a.0), &a.1.project_path).cmp(&(Reverse(b.0), &b.1.project_path)));
    rows.into_iter().map(|(_, row)| row).collect()
}
