// What the HTML page carries inline: the vendored charting library (Apache ECharts, see
// report/README.md), the style sheet and the page script. Generated into assets.cpp at build
// time from report/vendor and report/web.
#pragma once

namespace monet::report::assets {

extern const char* const kEchartsJs;
extern const char* const kStyleCss;
extern const char* const kScriptJs;

}  // namespace monet::report::assets
