"""The static files storage: WhiteNoise's hashed, compressed storage, compressing only what the portal serves.

`collectstatic` with WhiteNoise's CompressedManifestStaticFilesStorage writes a gzip and a Brotli copy of every
file it collects, twice (the plain name and the hashed one): about 40 s of CPU here, nearly all of it on files no
browser asks for: the source maps and the ReDoc bundle of drf-spectacular's sidecar (3.9 MB and 1.1 MB), the
plain-named copies (pages link the hashed names through the manifest). Those are still collected and served,
only not pre-compressed; every hashed name a page links (the portal's CSS and JS, ECharts, the admin, the API
docs' Swagger UI) keeps its .gz and .br copies."""

import re

from whitenoise.storage import CompressedManifestStaticFilesStorage

# Paths (relative to STATIC_ROOT) never pre-compressed: source maps, fetched only by a browser's developer tools,
# and the sidecar's ReDoc (the portal's API docs are Swagger UI, /api/docs/; no URL serves ReDoc).
NOT_SERVED = (
    re.compile(r"\.map$"),
    re.compile(r"^drf_spectacular_sidecar/redoc/"),
)


def is_served(name: str) -> bool:
    return not any(pattern.search(name) for pattern in NOT_SERVED)


class ServedCompressedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Compress the hashed names of the files a page may ask for, and nothing else."""

    def compress_files(self, paths):
        hashed = set(self.hashed_files.values())
        return super().compress_files([path for path in paths if path in hashed and is_served(path)])
