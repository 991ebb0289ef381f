//! Reviews of documentation pages: the commit each was last reviewed at.

use std::collections::BTreeMap;

use super::{now_ms, q, Store};
use crate::docs_check::{history::rfc3339_ms, Review};
use crate::error::Result;

impl Store {
    /// Records that `path` was reviewed at `commit` (replacing any earlier
    /// review of it); returns the review.
    pub async fn docs_review(&self, workspace_id: &str, path: &str, commit: &str) -> Result<Review> {
        let at = now_ms();
        q(
            "INSERT INTO docs_reviews (workspace_id, path, commit_sha, reviewed_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, path) DO UPDATE SET commit_sha = excluded.commit_sha,
             reviewed_at = excluded.reviewed_at",
        )
        .bind(workspace_id)
        .bind(path)
        .bind(commit)
        .bind(at)
        .execute(self.db().await?)
        .await?;
        Ok(Review {
            commit: commit.to_string(),
            reviewed_at: rfc3339_ms(at),
        })
    }

    /// Every recorded review of the workspace's pages, by page.
    pub async fn docs_reviews(&self, workspace_id: &str) -> Result<BTreeMap<String, Review>> {
        let rows: Vec<(String, String, i64)> =
            q("SELECT path, commit_sha, reviewed_at FROM docs_reviews WHERE workspace_id = $1")
                .bind(workspace_id)
                .fetch_all(self.db().await?)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(path, commit, at)| {
                let review = Review {
                    commit,
                    reviewed_at: rfc3339_ms(at),
                };
                (path, review)
            })
            .collect())
    }
}
