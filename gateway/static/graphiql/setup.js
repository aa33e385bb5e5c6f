// The Khuyến học GraphiQL page: queries go to this page's own address (/graphql).
(function () {
  "use strict";
  var defaultQuery = [
    "# Hội Khuyến học — API GraphQL",
    "# Truy vấn công khai: bấm ▶ để chạy.",
    "# Dữ liệu của đơn vị cần mã truy cập,",
    "# nhập ở thẻ Headers bên dưới:",
    "#   {\"Authorization\": \"Bearer <mã truy cập>\"}",
    "# (Public query: press ▶. For a unit's data,",
    "#  Headers tab: {\"Authorization\": \"Bearer <token>\"})",
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
