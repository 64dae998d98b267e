#pragma once
// The page's template, style and script (page.html, page.css, page.js),
// compiled into the library by embed_assets.cmake.

#include <string_view>

namespace confman::viz {

extern const std::string_view kPageHtml;
extern const std::string_view kPageCss;
extern const std::string_view kPageJs;

}  // namespace confman::viz
