/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ordered map under dma.c: an AVL tree of non-overlapping inclusive
 * intervals [start, last], keyed by start. Because intervals never overlap,
 * ordering by start is also ordering by last, which is what lets
 * find-containing and find-first-overlapping run in O(log n), as the
 * kernel's rb-tree of struct vfio_dma does (vfio_find_dma).
 *
 * Nodes are embedded in the caller's objects and never copied or moved: a
 * removal relinks nodes, so pointers to other nodes stay valid across it.
 * Recursion depth is the tree height, at most ~1.44 log2(n) + 2.
 */
#ifndef VFSIM_DMA_TREE_H
#define VFSIM_DMA_TREE_H

#include <stdint.h>

struct dma_tree_node {
	struct dma_tree_node *left, *right;
	uint64_t start, last;	/* inclusive; the caller keeps intervals disjoint */
	int height;
};

/* @n must not overlap any node already in the tree. */
void dma_tree_insert(struct dma_tree_node **root, struct dma_tree_node *n);
/* @n must be in the tree. */
void dma_tree_remove(struct dma_tree_node **root, struct dma_tree_node *n);
/* The node containing @addr, or NULL. */
struct dma_tree_node *dma_tree_find(struct dma_tree_node *root, uint64_t addr);
/* The lowest node ending at or after @addr (the first that can overlap a
 * range starting at @addr), or NULL. */
struct dma_tree_node *dma_tree_first_from(struct dma_tree_node *root, uint64_t addr);
/* The node after @n in address order, or NULL. */
struct dma_tree_node *dma_tree_next(struct dma_tree_node *root, const struct dma_tree_node *n);
/* Call @fn on every node, children before parents (so @fn may free). */
void dma_tree_destroy(struct dma_tree_node *root, void (*fn)(struct dma_tree_node *n));
/* For tests: the node count if order, disjointness, heights and balance all
 * hold, else -1. */
long dma_tree_check(const struct dma_tree_node *root);

#endif
