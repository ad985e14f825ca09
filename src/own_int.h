/*
 * src/own_int.h: the typed-block layout shared by own.c (Box) and rc.c (Rc,
 * Arc); not API.
 *
 * A typed block is one allocation from a hook holding a header of hdr bytes
 * immediately followed by a value of type t, aligned for t. The hook aligns
 * blocks to alignof(max_align_t), so a more aligned value gets slack in
 * front of the header; the header's offset inside the block is returned so
 * the block can be freed with its exact size.
 */
#ifndef CUR_SRC_OWN_INT_H
#define CUR_SRC_OWN_INT_H

#include <curriculum/own.h>

/*
 * Allocates a typed block; *header gets the header's address and *offset its
 * distance from the block's start. The value is left uninitialised.
 * CUR_EINVAL for a bad type, CUR_EOVERFLOW if the size overflows,
 * CUR_ENOMEM. Nothing is written on failure.
 */
int cur__typed_block_alloc(const cur_alloc_t *a, const cur_type_t *t,
                           ptrdiff_t hdr, void **header, ptrdiff_t *offset);

/* Frees a typed block given its header, as returned above. */
void cur__typed_block_free(const cur_alloc_t *a, const cur_type_t *t,
                           ptrdiff_t hdr, void *header, ptrdiff_t offset);

#endif /* CUR_SRC_OWN_INT_H */
