"""The domain events brands emits (see core.events). Credit's grade follows them once the write has committed."""

HONOUR = "brands.honour"  # an honour awarded or revoked: the holder's grade counts its current honours
