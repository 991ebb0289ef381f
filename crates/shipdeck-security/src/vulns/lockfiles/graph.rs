//! The dependency graph a lockfile describes, and the shortest chain from a
//! direct dependency to each package.

use std::collections::VecDeque;

/// The longest chain given: real ones are a few dozen at most, and a
/// crafted lockfile must not make every package carry thousands of names.
/// A package further down is given no chain.
pub const MAX_CHAIN: usize = 64;

/// One locked package as a format reader finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub name: String,
    pub version: String,
    /// From a direct dependency down to this package; empty when unknown.
    pub via: Vec<String>,
}

/// What a node of the graph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The workspace itself (a member, an importer): where chains start,
    /// never part of one, never a locked package.
    Project,
    /// A package from a registry: a locked package.
    Package,
    /// A package from elsewhere (git, path, URL): part of chains, not a
    /// locked package.
    Other,
}

#[derive(Debug, Clone)]
struct Node {
    name: String,
    version: String,
    kind: Kind,
    deps: Vec<usize>,
}

/// Nodes and their dependency edges.
#[derive(Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    /// Direct dependencies of the workspace when no project node says them.
    direct: Vec<usize>,
}

impl Graph {
    pub fn add(&mut self, name: &str, version: &str, kind: Kind) -> usize {
        self.nodes.push(Node {
            name: name.to_string(),
            version: version.to_string(),
            kind,
            deps: Vec::new(),
        });
        self.nodes.len() - 1
    }

    pub fn edge(&mut self, from: usize, to: usize) {
        // Repeated edges are removed once, in `packages`.
        if to >= self.nodes.len() {
            return;
        }
        if let Some(n) = self.nodes.get_mut(from) {
            n.deps.push(to);
        }
    }

    /// Marks `node` a direct dependency of the workspace.
    pub fn direct(&mut self, node: usize) {
        // Repeated ones are removed once, in `packages`.
        if node < self.nodes.len() {
            self.direct.push(node);
        }
    }

    /// Nodes no other node depends on (direct dependencies when nothing
    /// else tells them).
    pub fn unrequired(&self) -> Vec<usize> {
        let mut required = vec![false; self.nodes.len()];
        for n in &self.nodes {
            for &d in &n.deps {
                if let Some(r) = required.get_mut(d) {
                    *r = true;
                }
            }
        }
        (0..self.nodes.len()).filter(|&i| !required[i]).collect()
    }

    /// Every registry package with its shortest chain (empty when no start
    /// is known or it cannot be reached). Starts: the direct dependencies
    /// marked and the dependencies of project nodes, taken in name order so
    /// that ties break the same way every time.
    pub fn packages(mut self) -> Vec<Found> {
        // By name, version and node, so that a repeated edge is adjacent.
        let order = |nodes: &[Node], a: usize, b: usize| {
            (&nodes[a].name, &nodes[a].version, a).cmp(&(&nodes[b].name, &nodes[b].version, b))
        };
        for i in 0..self.nodes.len() {
            let mut deps = std::mem::take(&mut self.nodes[i].deps);
            deps.sort_by(|&a, &b| order(&self.nodes, a, b));
            deps.dedup();
            self.nodes[i].deps = deps;
        }
        let mut starts: Vec<usize> = self.direct.clone();
        for n in self.nodes.iter().filter(|n| n.kind == Kind::Project) {
            starts.extend(
                n.deps
                    .iter()
                    .copied()
                    .filter(|&d| self.nodes[d].kind != Kind::Project),
            );
        }
        starts.sort_by(|&a, &b| order(&self.nodes, a, b));
        starts.dedup();
        let mut parent: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut seen = vec![false; self.nodes.len()];
        let mut queue = VecDeque::new();
        for s in starts {
            if !seen[s] {
                seen[s] = true;
                queue.push_back(s);
            }
        }
        while let Some(i) = queue.pop_front() {
            for &d in &self.nodes[i].deps {
                if !seen[d] && self.nodes[d].kind != Kind::Project {
                    seen[d] = true;
                    parent[d] = Some(i);
                    queue.push_back(d);
                }
            }
        }
        let mut out = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if n.kind != Kind::Package {
                continue;
            }
            let mut via = Vec::new();
            if seen[i] {
                let mut at = Some(i);
                while let Some(a) = at {
                    if via.len() == MAX_CHAIN {
                        via.clear();
                        break;
                    }
                    via.push(self.nodes[a].name.clone());
                    at = parent[a];
                }
                via.reverse();
            }
            out.push(Found {
                name: n.name.clone(),
                version: n.version.clone(),
                via,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_are_shortest_and_skip_the_project() {
        let mut g = Graph::default();
        let root = g.add("app", "0.1.0", Kind::Project);
        let a = g.add("a", "1", Kind::Package);
        let b = g.add("b", "1", Kind::Package);
        let c = g.add("c", "1", Kind::Package);
        let lone = g.add("lone", "1", Kind::Package);
        let git = g.add("g", "1", Kind::Other);
        g.edge(root, a);
        g.edge(root, git);
        g.edge(a, b);
        g.edge(b, c);
        g.edge(git, c);
        let out = g.packages();
        let via = |n: &str| out.iter().find(|f| f.name == n).map(|f| f.via.clone()).unwrap();
        assert_eq!(via("a"), vec!["a"]);
        assert_eq!(via("b"), vec!["a", "b"]);
        assert_eq!(via("c"), vec!["g", "c"]);
        assert!(via("lone").is_empty());
        assert!(out.iter().all(|f| f.name != "g" && f.name != "app"));
        let _ = lone;
    }

    #[test]
    fn chains_longer_than_the_limit_are_not_given() {
        let mut g = Graph::default();
        let root = g.add("app", "0.1.0", Kind::Project);
        let mut prev = root;
        for i in 0..MAX_CHAIN + 2 {
            let n = g.add(&format!("p{i}"), "1", Kind::Package);
            g.edge(prev, n);
            prev = n;
        }
        let out = g.packages();
        let via = |n: String| out.iter().find(|f| f.name == n).map(|f| f.via.len()).unwrap();
        assert_eq!(via(format!("p{}", MAX_CHAIN - 1)), MAX_CHAIN);
        assert_eq!(via(format!("p{MAX_CHAIN}")), 0);
        assert_eq!(via(format!("p{}", MAX_CHAIN + 1)), 0);
    }
}
