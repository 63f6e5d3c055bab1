package io.oscope.catalog;

import static io.oscope.catalog.RouteGeneratorTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.routes.Interface;
import io.oscope.routes.Problem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointListTest {
  @Test
  void readsTheFullFormAndSkipsDisabledEndpointsWithANotice() {
    EndpointList list = EndpointList.parse("full.json", json("""
        [{'ID': 'a1', 'Region': 'CloudOne', 'Service Name': 'glance', 'Service Type': 'image', 'Enabled': true,
          'Interface': 'public', 'URL': 'http://10.0.0.5:9292/'},
         {'ID': 'a2', 'Region': 'CloudOne', 'Service Name': 'glance', 'Service Type': 'image', 'Enabled': false,
          'Interface': 'internal', 'URL': 'http://10.0.0.5:9393'},
         {'ID': 'a3', 'Region': 'CloudOne', 'Service Name': 'glance', 'Service Type': 'image', 'Enabled': false,
          'Interface': 'bogus'}]"""));

    assertThat(list.problems()).isEmpty();
    assertThat(list.endpoints()).containsExactly(new Endpoint("full.json", 0, "CloudOne", "image", Interface.PUBLIC,
        "http://10.0.0.5:9292/", io.oscope.routes.ServiceUrl.parse("http://10.0.0.5:9292")));
    assertThat(list.skipped()).extracting(Problem::toString).containsExactly(
        "full.json: [1] \"Enabled\" = \"false\": skipped: the endpoint is disabled (CloudOne image internal http://10.0.0.5:9393)",
        "full.json: [2] \"Enabled\" = \"false\": skipped: the endpoint is disabled (CloudOne image bogus -)");
  }

  @Test
  void reportsEveryFieldProblemOfEveryRow() {
    EndpointList list = EndpointList.parse("bad.json", json("""
        [{'Region': null, 'Service Type': 'image ', 'Interface': 'Public', 'URL': 'http://h:0/x', 'Enabled': 'yes'},
         {'Region': 'R', 'Service Type': 'image', 'Interface': 'public', 'URL': 'http://h:99999'},
         {'Region': 'R', 'Service Type': ['image'], 'Interface': 'admin', 'URL': 'http://[::1/x'},
         {'Region': 'R', 'Service Type': 'image', 'Interface': 'internal', 'URL': 'http://user@h/x'}]"""));

    assertThat(list.endpoints()).isEmpty();
    assertThat(list.problems()).extracting(Problem::toString).containsExactly(
        "bad.json: [0] \"Enabled\" = \"yes\": must be true or false",
        "bad.json: [0] \"Region\": is missing",
        "bad.json: [0] \"Service Type\" = \"image \": is not a valid service type: it may only contain"
            + " letters, digits and !#$%'*+-.^_`~",
        "bad.json: [0] \"URL\" = \"http://h:0/x\": port 0 is not in 1..65535",
        "bad.json: [1] \"URL\" = \"http://h:99999\": port 99999 is not in 1..65535",
        "bad.json: [2] \"Service Type\" = \"[\"image\"]\": must be a string",
        "bad.json: [2] \"URL\" = \"http://[::1/x\": IPv6 address has no closing ']'",
        "bad.json: [3] \"URL\" = \"http://user@h/x\": user information is not allowed");
  }

  @Test
  void anInterfaceIsMatchedWithoutRegardToCaseAndAMissingRegionIsAProblem() {
    EndpointList list = EndpointList.parse("r.json", json(
        "[{'Region': null, 'Service Type': 'image', 'Interface': 'Public', 'URL': 'http://h:0/x'}]"));

    assertThat(list.problems()).extracting(Problem::toString).containsExactly(
        "r.json: [0] \"Region\": is missing",
        "r.json: [0] \"URL\" = \"http://h:0/x\": port 0 is not in 1..65535");
  }

  @Test
  void theListMustBeANonEmptyJsonList() {
    assertThat(EndpointList.parse("o.json", json("{'endpoints': []}")).problems()).extracting(Problem::toString)
        .containsExactly("o.json: expected a JSON list of endpoints, as printed by `openstack endpoint list -f json`");
    assertThat(EndpointList.parse("e.json", json("[]")).problems()).extracting(Problem::toString)
        .containsExactly("e.json: the endpoint list is empty");
    assertThat(EndpointList.parse("n.json", json("")).problems()).extracting(Problem::toString)
        .containsExactly("n.json: is empty; expected JSON");
    assertThat(EndpointList.parse("d.json", json("[{'URL': 'a', 'URL': 'b'}]")).problems()).extracting(Problem::toString)
        .containsExactly("d.json: not valid JSON: Duplicate field 'URL' at line 1, column 20");
  }

  @Test
  void aFileThatCannotBeReadIsAProblemOfTheList(@TempDir Path temp) {
    Path missing = temp.resolve("missing.json");

    assertThat(EndpointList.read(missing).problems()).extracting(Problem::toString)
        .containsExactly(missing + ": cannot read: java.nio.file.NoSuchFileException: " + missing);
  }
}
