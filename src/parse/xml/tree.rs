//! The elements and comments of an XML document, which the FreeSWITCH
//! reader walks: built by the plain reader ([`super::plain`]) for the XML
//! FreeSWITCH files are written in, or copied out of a roxmltree document
//! for any other. Text and processing instructions are left out: no reader
//! of this tree looks at them.

use std::borrow::Cow;
use std::ops::Range;

/// A document: node 0 holds the top level (the root element and the
/// comments around it), every node is followed by its descendants.
#[derive(Debug, PartialEq, Eq)]
pub struct Tree<'t> {
    pub(super) nodes: Vec<TreeNode<'t>>,
    pub(super) attributes: Vec<Attribute<'t>>,
    /// The text the ranges are offsets in.
    pub(super) input: &'t str,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) struct TreeNode<'t> {
    /// The element's local name; `None` for a comment (and the top level).
    pub(super) name: Option<&'t str>,
    pub(super) range: Range<u32>,
    /// The node's attributes in `Tree::attributes`.
    pub(super) attributes: Range<u32>,
    /// One past the node's last descendant.
    pub(super) end: u32,
    pub(super) parent: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) struct Attribute<'t> {
    pub(super) name: &'t str,
    /// In a namespace (`x:name`): found by no plain name.
    pub(super) namespaced: bool,
    /// The value as XML reads it: references resolved, white space
    /// normalised.
    pub(super) value: Cow<'t, str>,
    /// The value as written, inside its quotes.
    pub(super) value_range: Range<u32>,
}

impl<'t> Tree<'t> {
    /// The document element.
    pub fn root_element(&self) -> Option<Element<'_, 't>> {
        self.top_level().find(|node| node.is_element())
    }

    /// The comments, in document order.
    pub fn comments(&self) -> impl Iterator<Item = Element<'_, 't>> {
        (1..self.nodes.len() as u32)
            .map(|index| Element { tree: self, index })
            .filter(|node| !node.is_element())
    }

    fn top_level(&self) -> impl Iterator<Item = Element<'_, 't>> {
        Element {
            tree: self,
            index: 0,
        }
        .child_nodes()
    }

    /// A copy of a roxmltree document's elements and comments, made
    /// without recursion: a hostile document may nest without bound.
    pub fn of(document: &'t roxmltree::Document<'t>) -> Tree<'t> {
        let mut tree = Tree {
            nodes: Vec::new(),
            attributes: Vec::new(),
            input: document.input_text(),
        };
        // Our index of each roxmltree node kept, by its id.
        let mut index_of: Vec<u32> = Vec::new();
        for node in document
            .root()
            .descendants()
            .filter(|n| n.is_root() || n.is_element() || n.is_comment())
        {
            let index = tree.nodes.len() as u32;
            let id = node.id().get() as usize;
            if index_of.len() <= id {
                index_of.resize(id + 1, 0);
            }
            index_of[id] = index;
            let first_attribute = tree.attributes.len() as u32;
            for attribute in node.attributes() {
                tree.attributes.push(Attribute {
                    name: attribute.name(),
                    namespaced: attribute.namespace().is_some(),
                    value: Cow::Borrowed(attribute.value()),
                    value_range: to_u32(attribute.range_value()),
                });
            }
            tree.nodes.push(TreeNode {
                name: node.is_element().then(|| node.tag_name().name()),
                range: to_u32(if node.is_root() { 0..0 } else { node.range() }),
                attributes: first_attribute..tree.attributes.len() as u32,
                end: index + 1,
                parent: node.parent().map_or(0, |p| index_of[p.id().get() as usize]),
            });
        }
        // Descendants follow their node: each node's end is known before
        // its parent's is raised to it.
        for index in (1..tree.nodes.len()).rev() {
            let (end, parent) = (tree.nodes[index].end, tree.nodes[index].parent);
            let parent = &mut tree.nodes[parent as usize];
            parent.end = parent.end.max(end);
        }
        tree
    }
}

fn to_u32(range: Range<usize>) -> Range<u32> {
    range.start as u32..range.end as u32
}

/// An element or a comment of a [`Tree`].
#[derive(Clone, Copy)]
pub struct Element<'a, 't> {
    tree: &'a Tree<'t>,
    index: u32,
}

impl<'a, 't> Element<'a, 't> {
    fn node(&self) -> &'a TreeNode<'t> {
        &self.tree.nodes[self.index as usize]
    }

    pub fn is_element(&self) -> bool {
        self.node().name.is_some()
    }

    /// The local name; empty for a comment.
    pub fn name(&self) -> &'t str {
        self.node().name.unwrap_or("")
    }

    pub fn has_tag_name(&self, name: &str) -> bool {
        self.node().name == Some(name)
    }

    /// Where the element (start tag to end tag) or comment is.
    pub fn range(&self) -> Range<usize> {
        let range = &self.node().range;
        range.start as usize..range.end as usize
    }

    /// The text the ranges are offsets in.
    pub fn input(&self) -> &'t str {
        self.tree.input
    }

    fn attribute_entry(&self, name: &str) -> Option<&'a Attribute<'t>> {
        let range = &self.node().attributes;
        self.tree.attributes[range.start as usize..range.end as usize]
            .iter()
            .find(|a| !a.namespaced && a.name == name)
    }

    /// The value of the attribute `name` (not in a namespace).
    pub fn attribute(&self, name: &str) -> Option<&'a str> {
        self.attribute_entry(name).map(|a| a.value.as_ref())
    }

    /// Where the value of the attribute `name` is written.
    pub fn attribute_value_range(&self, name: &str) -> Option<Range<usize>> {
        self.attribute_entry(name)
            .map(|a| a.value_range.start as usize..a.value_range.end as usize)
    }

    /// The names of every attribute.
    pub fn attribute_names(&self) -> impl Iterator<Item = &'t str> + 'a {
        let range = &self.node().attributes;
        self.tree.attributes[range.start as usize..range.end as usize]
            .iter()
            .map(|a| a.name)
    }

    fn child_nodes(self) -> impl Iterator<Item = Element<'a, 't>> {
        let tree = self.tree;
        let end = self.node().end;
        let mut next = self.index + 1;
        std::iter::from_fn(move || {
            (next < end).then(|| {
                let child = Element { tree, index: next };
                next = child.node().end;
                child
            })
        })
    }

    /// The child elements.
    pub fn children(self) -> impl Iterator<Item = Element<'a, 't>> {
        self.child_nodes().filter(Element::is_element)
    }

    /// The element and the elements inside it, in document order.
    pub fn descendants(self) -> impl Iterator<Item = Element<'a, 't>> {
        let tree = self.tree;
        (self.index..self.node().end)
            .map(move |index| Element { tree, index })
            .filter(Element::is_element)
    }

    /// The next element with the same parent.
    pub fn next_sibling_element(&self) -> Option<Element<'a, 't>> {
        let tree = self.tree;
        let end = tree.nodes[self.node().parent as usize].end;
        let mut next = self.node().end;
        while next < end {
            let sibling = Element { tree, index: next };
            if sibling.is_element() {
                return Some(sibling);
            }
            next = sibling.node().end;
        }
        None
    }
}
