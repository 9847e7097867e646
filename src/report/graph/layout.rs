//! A layered (Sugiyama-style) layout, so that `svg` needs no external
//! program: edges that close a loop are turned round, nodes are put in
//! layers by their longest path from an entry, edges that span layers get
//! a bend point in each layer between, the order within a layer follows
//! the mean position of each node's neighbours (a few sweeps down and up),
//! and each node is moved towards its neighbours above without overlapping.
//! Every pass is linear in the nodes and edges (times a fixed number of
//! sweeps), apart from sorting within layers.

/// Horizontal room between nodes of a layer.
const GAP_X: f64 = 24.0;
/// Vertical room between layers (edge labels sit there).
const GAP_Y: f64 = 56.0;
const MARGIN: f64 = 16.0;
/// Width of a bend point, so that edges passing a layer keep apart.
const BEND_WIDTH: f64 = 12.0;
const SWEEPS: usize = 6;

#[derive(Debug, Clone, Copy)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn centre_x(&self) -> f64 {
        self.x + self.w / 2.0
    }
}

pub struct Layout {
    pub nodes: Vec<Rect>,
    /// Per edge: its points, from its source to its target.
    pub edges: Vec<Vec<(f64, f64)>>,
    pub width: f64,
    pub height: f64,
}

/// Lays out nodes of the given sizes (width, height) joined by `edges`
/// (from, to). Nodes listed first end up first in their layers.
pub fn layout(sizes: &[(f64, f64)], edges: &[(usize, usize)]) -> Layout {
    let n = sizes.len();
    let reversed = back_edges(n, edges);
    let forward: Vec<(usize, usize)> = edges
        .iter()
        .zip(&reversed)
        .map(|(&(a, b), &back)| if back { (b, a) } else { (a, b) })
        .collect();
    let layer = layers(n, &forward);
    // Vertices: the nodes, then the bend points of long edges.
    let mut vertex_layer = layer.clone();
    let mut vertex_width: Vec<f64> = sizes.iter().map(|s| s.0).collect();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for &(a, b) in &forward {
        let mut chain = vec![a];
        if a != b {
            for l in layer[a] + 1..layer[b] {
                vertex_layer.push(l);
                vertex_width.push(BEND_WIDTH);
                chain.push(vertex_layer.len() - 1);
            }
        }
        chain.push(b);
        chains.push(chain);
    }
    let layer_count = vertex_layer.iter().max().map_or(0, |l| l + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for (v, &l) in vertex_layer.iter().enumerate() {
        rows[l].push(v);
    }
    let (up, down) = neighbours(vertex_layer.len(), &chains);
    order(&mut rows, &up, &down);
    let x = positions(&rows, &vertex_width, &up);

    let mut row_y = Vec::with_capacity(layer_count);
    let mut y = MARGIN;
    for row in &rows {
        row_y.push(y);
        let height = row
            .iter()
            .filter(|&&v| v < n)
            .map(|&v| sizes[v].1)
            .fold(0.0, f64::max);
        y += height + GAP_Y;
    }
    let rect = |v: usize| Rect {
        x: x[v] - vertex_width[v] / 2.0,
        y: row_y[vertex_layer[v]],
        w: vertex_width[v],
        h: if v < n { sizes[v].1 } else { 0.0 },
    };
    let nodes: Vec<Rect> = (0..n).map(rect).collect();
    let edge_points = chains
        .iter()
        .zip(&reversed)
        .map(|(chain, &back)| {
            let mut points = route(chain, &rect);
            if back {
                points.reverse();
            }
            points
        })
        .collect();
    let width = x
        .iter()
        .zip(&vertex_width)
        .map(|(x, w)| x + w / 2.0)
        .fold(0.0, f64::max)
        + MARGIN;
    Layout {
        nodes,
        edges: edge_points,
        width,
        height: y - GAP_Y + MARGIN,
    }
}

/// Edges that close a loop in a depth-first walk from the nodes in order.
fn back_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (i, &(a, b)) in edges.iter().enumerate() {
        out[a].push((b, i));
    }
    let mut back = vec![false; edges.len()];
    // 0: not seen, 1: on the stack, 2: done.
    let mut state = vec![0u8; n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        let mut stack = vec![(root, 0usize)];
        while let Some((v, next)) = stack.last_mut() {
            let v = *v;
            if let Some(&(w, edge)) = out[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => back[edge] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Each node's layer: the longest path to it over the (acyclic) edges.
fn layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(a, b) in edges {
        if a != b {
            out[a].push(b);
            indegree[b] += 1;
        }
    }
    let mut layer = vec![0; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).rev().collect();
    while let Some(v) = ready.pop() {
        for &w in &out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    layer
}

/// Per vertex: its neighbours in the layer above and in the layer below.
fn neighbours(count: usize, chains: &[Vec<usize>]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut up = vec![Vec::new(); count];
    let mut down = vec![Vec::new(); count];
    for chain in chains {
        for pair in chain.windows(2) {
            if pair[0] != pair[1] {
                down[pair[0]].push(pair[1]);
                up[pair[1]].push(pair[0]);
            }
        }
    }
    (up, down)
}

/// Orders each layer by the mean position of the neighbours in the layer
/// just ordered, sweeping down and up.
fn order(rows: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>]) {
    let mut position = vec![0.0; up.len()];
    let number = |rows: &[Vec<usize>], position: &mut [f64]| {
        for row in rows {
            for (i, &v) in row.iter().enumerate() {
                position[v] = i as f64;
            }
        }
    };
    number(rows, &mut position);
    for sweep in 0..SWEEPS {
        let downwards = sweep % 2 == 0;
        let layers: Vec<usize> = if downwards {
            (1..rows.len()).collect()
        } else {
            (0..rows.len().saturating_sub(1)).rev().collect()
        };
        for l in layers {
            let side = if downwards { up } else { down };
            let mut keyed: Vec<(f64, usize)> = rows[l]
                .iter()
                .map(|&v| {
                    let others = &side[v];
                    let key = if others.is_empty() {
                        position[v]
                    } else {
                        others.iter().map(|&w| position[w]).sum::<f64>() / others.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            rows[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in rows[l].iter().enumerate() {
                position[v] = i as f64;
            }
        }
    }
}

/// Centre x of each vertex: packed left to right, then each layer drawn
/// towards the mean of its neighbours above, keeping the order and gaps.
fn positions(rows: &[Vec<usize>], width: &[f64], up: &[Vec<usize>]) -> Vec<f64> {
    let mut x = vec![0.0; width.len()];
    for row in rows {
        let mut left = MARGIN;
        for &v in row {
            x[v] = left + width[v] / 2.0;
            left += width[v] + GAP_X;
        }
    }
    for row in rows.iter().skip(1) {
        let wanted: Vec<f64> = row
            .iter()
            .map(|&v| {
                if up[v].is_empty() {
                    x[v]
                } else {
                    up[v].iter().map(|&w| x[w]).sum::<f64>() / up[v].len() as f64
                }
            })
            .collect();
        // Left to right: as wanted, but never over the previous node.
        let mut left = MARGIN;
        for (&v, &want) in row.iter().zip(&wanted) {
            x[v] = want.max(left + width[v] / 2.0);
            left = x[v] + width[v] / 2.0 + GAP_X;
        }
    }
    x
}

/// An edge's points: out of the bottom of its first vertex, through the
/// bend points, into the top of its last (a loop goes round the right).
fn route(chain: &[usize], rect: &impl Fn(usize) -> Rect) -> Vec<(f64, f64)> {
    let (first, last) = (rect(chain[0]), rect(chain[chain.len() - 1]));
    if chain[0] == chain[chain.len() - 1] {
        let right = first.x + first.w;
        let (top, bottom) = (first.y + first.h * 0.25, first.y + first.h * 0.75);
        return vec![
            (right, top),
            (right + 18.0, top),
            (right + 18.0, bottom),
            (right, bottom),
        ];
    }
    let mut points = vec![(first.centre_x(), first.y + first.h)];
    for &v in &chain[1..chain.len() - 1] {
        let bend = rect(v);
        points.push((bend.centre_x(), bend.y));
    }
    points.push((last.centre_x(), last.y));
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_keeps_its_entry_on_top_and_nothing_overlaps() {
        let sizes = vec![(60.0, 30.0); 4];
        let edges = [(0, 1), (1, 2), (2, 1), (1, 3), (0, 3), (3, 3)];
        let layout = layout(&sizes, &edges);
        assert!(layout.nodes[0].y < layout.nodes[1].y);
        assert!(layout.nodes[1].y < layout.nodes[2].y);
        for (i, a) in layout.nodes.iter().enumerate() {
            for b in &layout.nodes[i + 1..] {
                let apart = a.y != b.y || a.x + a.w <= b.x || b.x + b.w <= a.x;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
        assert_eq!(layout.edges.len(), edges.len());
        // The long edge 0 → 3 bends once per layer it passes.
        assert_eq!(layout.edges[4].len(), 2 + (2 - 1));
    }
}
