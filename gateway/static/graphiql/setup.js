// The Khuyến học GraphiQL page: queries go to this page's own address (/graphql).
(function () {
  "use strict";
  var defaultQuery = [
    "# Hội Khuyến học — API GraphQL.",
    "# Truy vấn dưới đây là công khai: bấm ▶ để chạy, không cần đăng nhập.",
    "# Dữ liệu của đơn vị cần mã truy cập: mở thẻ \"Headers\" bên dưới và nhập",
    "#   {\"Authorization\": \"Bearer <mã truy cập>\"}",
    "# (Public query, no sign-in needed. For a unit's data, open the Headers tab",
    "#  below and enter {\"Authorization\": \"Bearer <token>\"}.)",
    "",
    "query PublicDirectoryAndCriteria {",
    "  orgUnit(code: \"20\") {",
    "    code",
    "    name",
    "    children {",
    "      code",
    "      name",
    "    }",
    "  }",
    "  criteriaSets(title: FAMILY, year: 2025) {",
    "    id",
    "    issuer",
    "    decision",
    "    provisional",
    "    totalPoints",
    "    passMark",
    "  }",
    "}",
    ""
  ].join("\n");
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: "headers",
      shouldPersistHeaders: false
    })
  );
})();
