package io.oscope.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oscope.scope.CloudExpression.AllOf;
import io.oscope.scope.CloudExpression.AnyOf;
import io.oscope.scope.CloudExpression.Cloud;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The grammar's structure; the error messages and positions are in the shared vectors. */
class CloudExpressionTest {
  private static final Cloud A = new Cloud("A");
  private static final Cloud B = new Cloud("B");
  private static final Cloud C = new Cloud("C");
  private static final Cloud D = new Cloud("D");

  @Test
  void aPlainNameIsOneCloud() {
    CloudExpression parsed = CloudExpression.parse("CloudOne");

    assertThat(parsed).isEqualTo(new Cloud("CloudOne"));
    assertThat(parsed.isSingle()).isTrue();
    assertThat(parsed.clouds()).containsExactly("CloudOne");
  }

  @Test
  void andBindsTighterThanOr() {
    assertThat(CloudExpression.parse("A | B & C")).isEqualTo(new AnyOf(List.of(A, new AllOf(List.of(B, C)))));
    assertThat(CloudExpression.parse("A & B | C")).isEqualTo(new AnyOf(List.of(new AllOf(List.of(A, B)), C)));
    assertThat(CloudExpression.parse("A & B | C & D"))
        .isEqualTo(new AnyOf(List.of(new AllOf(List.of(A, B)), new AllOf(List.of(C, D)))));
  }

  @Test
  void parenthesesGroup() {
    CloudExpression parsed = CloudExpression.parse("(A | B) & C");

    assertThat(parsed).isEqualTo(new AllOf(List.of(new AnyOf(List.of(A, B)), C)));
    assertThat(parsed.isSingle()).isFalse();
    assertThat(parsed.toString()).isEqualTo("(A | B) & C");
  }

  @Test
  void nestedOperatorsOfOneKindAreFlattened() {
    assertThat(CloudExpression.parse("A | (B | (C))")).isEqualTo(new AnyOf(List.of(A, B, C)));
    assertThat(CloudExpression.parse("(A & B) & C")).isEqualTo(new AllOf(List.of(A, B, C)));
    assertThat(new AnyOf(List.of(A, new AnyOf(List.of(B, C))))).isEqualTo(new AnyOf(List.of(A, B, C)));
  }

  @Test
  void canonicalTextHasSingleSpacesAndOnlyTheParenthesesNeeded() {
    assertThat(CloudExpression.parse("((A&B))|C").toString()).isEqualTo("A & B | C");
    assertThat(CloudExpression.parse("A&(B|C)&D").toString()).isEqualTo("A & (B | C) & D");
    assertThat(CloudExpression.parse("\tA |B").toString()).isEqualTo("A | B");
  }

  @Test
  void cloudsAreInTheOrderOfTheText() {
    assertThat(CloudExpression.parse("Z & (Y | X)").clouds()).containsExactly("Z", "Y", "X");
  }

  @Test
  void valuesBuiltInCodeAreCheckedLikeParsedOnes() {
    assertThatThrownBy(() -> new Cloud("A|B")).isInstanceOf(MalformedScopeException.class)
        .hasMessageContaining("may not contain '|'");
    assertThatThrownBy(() -> new AnyOf(List.of(A))).isInstanceOf(MalformedScopeException.class)
        .hasMessage("'|' needs at least two operands");
    assertThatThrownBy(() -> new AllOf(List.of(A, new AnyOf(List.of(B, A))))).isInstanceOf(MalformedScopeException.class)
        .hasMessage("cloud 'A' is named twice");
  }

  @Test
  void aScopeHoldsExpressionsInTheirCanonicalText() {
    Scope scope = Scope.parse("{\"image\": \"CloudOne|CloudTwo\", \"compute\": \"CloudOne\"}");

    assertThat(scope.expressionOf("image")).isEqualTo(new AnyOf(List.of(new Cloud("CloudOne"), new Cloud("CloudTwo"))));
    assertThat(scope.cloudOf("image")).isEqualTo("CloudOne | CloudTwo");
    assertThat(scope.expressionOf("compute")).isEqualTo(new Cloud("CloudOne"));
    assertThat(scope.cloudOf("compute")).isEqualTo("CloudOne");
    assertThat(scope.isSingle()).isFalse();
    assertThat(scope.toJson()).isEqualTo("{\"compute\":\"CloudOne\",\"image\":\"CloudOne | CloudTwo\"}");
    assertThat(Scope.of(Map.of("image", "CloudOne | CloudTwo", "compute", "CloudOne"))).isEqualTo(scope);
  }

  @Test
  void aBranchOfAScopeNamesItsOneCloud() {
    Scope scope = Scope.parse("{\"image\": \"CloudOne | CloudTwo\"}").withDefault(List.of("image", "compute"), "CloudOne");
    Scope branch = scope.with("image", new Cloud("CloudTwo"));

    assertThat(branch.toJson()).isEqualTo("{\"compute\":\"CloudOne\",\"image\":\"CloudTwo\"}");
    assertThat(branch.isSingle()).isTrue();
    assertThat(scope.expressionOf("compute")).isEqualTo(new Cloud("CloudOne"));
  }
}
